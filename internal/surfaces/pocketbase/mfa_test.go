package pocketbase_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// passwordFirst is a first-factor password login of alice.
var passwordFirst = request{method: http.MethodPost, path: loginPath, body: loginBody("alice@example.com", alicePassword)}

func TestMFAPasswordThenOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.signUp(t, "alice@example.com", alicePassword)
	e.factors(t, "users", true, true)

	// Second factor with mfaId in the query, as the SDK sends it.
	mfaID := e.wantMFA(t, passwordFirst)
	otpID, code := e.otpFor(t, "users", "alice@example.com")
	token, rec := authOK(t, e.post(t, otpLoginPath+"?mfaId="+mfaID, "", otpBody(otpID, code)), userKeys)
	if rec.ID != id || !rec.Verified {
		t.Errorf("MFA login record = %+v, want %s, verified by the code", rec, id)
	}
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"pwd", "otp", "mfa"}) {
		t.Errorf("session methods = %v, want [pwd otp mfa]", got)
	}
	// A challenge completes one login only.
	otpID, code = e.otpFor(t, "users", "alice@example.com")
	wantError(t, e.post(t, otpLoginPath+"?mfaId="+mfaID, "", otpBody(otpID, code)), 400, msgBadMFA, `{}`)

	// With mfaId in the body. The password survived the OTP (a second
	// factor followed), so it still starts a login.
	mfaID = e.wantMFA(t, passwordFirst)
	otpID, code = e.otpFor(t, "users", "alice@example.com")
	body := `{"otpId":` + jsonString(otpID) + `,"password":` + jsonString(code) + `,"mfaId":` + jsonString(mfaID) + `}`
	authOK(t, e.post(t, otpLoginPath, "", body), userKeys)

	// The other way round: the code first, the password second.
	otpID, code = e.otpFor(t, "users", "alice@example.com")
	mfaID = e.wantMFA(t, request{method: http.MethodPost, path: otpLoginPath, body: otpBody(otpID, code)})
	token, _ = authOK(t, e.post(t, loginPath+"?mfaId="+mfaID, "", loginBody("alice@example.com", alicePassword)), userKeys)
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"otp", "pwd", "mfa"}) {
		t.Errorf("session methods = %v, want [otp pwd mfa]", got)
	}
}

func TestMFAErrors(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)
	e.signUp(t, "bob@example.com", alicePassword)
	ctx := context.Background()
	if _, err := e.svc.UpsertSuperuser(ctx, rootEmail, rootPassword); err != nil {
		t.Fatal(err)
	}
	users := e.factors(t, "users", true, true)
	e.factors(t, "_superusers", true, true)
	aliceOTP := func() string {
		t.Helper()
		otpID, code := e.otpFor(t, "users", "alice@example.com")
		return otpBody(otpID, code)
	}

	// The same method twice; the challenge survives the refusal.
	mfaID := e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, loginPath+"?mfaId="+mfaID, "", loginBody("alice@example.com", alicePassword)), 400, msgSameMethod, `{}`)
	authOK(t, e.post(t, otpLoginPath+"?mfaId="+mfaID, "", aliceOTP()), userKeys)

	// Unknown, another user's, another collection's.
	wantError(t, e.post(t, otpLoginPath+"?mfaId=aaaaaaaaaaaaaaa", "", aliceOTP()), 400, msgBadMFA, `{}`)
	bobs := e.wantMFA(t, request{method: http.MethodPost, path: loginPath, body: loginBody("bob@example.com", alicePassword)})
	wantError(t, e.post(t, otpLoginPath+"?mfaId="+bobs, "", aliceOTP()), 400, msgOtherMFA, `{}`)
	roots := e.wantMFA(t, request{method: http.MethodPost, path: supersPath + "/auth-with-password", body: loginBody(rootEmail, rootPassword)})
	wantError(t, e.post(t, otpLoginPath+"?mfaId="+roots, "", aliceOTP()), 400, msgBadMFA, `{}`)

	// Expired: past the collection's MFA duration, default and configured.
	for _, d := range []time.Duration{0, 45 * time.Second} {
		if d > 0 {
			users.MFA.Duration = d
		}
		mfaID = e.wantMFA(t, passwordFirst)
		e.clock.Advance(users.MFA.Duration + time.Second)
		wantError(t, e.post(t, otpLoginPath+"?mfaId="+mfaID, "", aliceOTP()), 400, msgBadMFA, `{}`)
	}
	// Just inside the configured duration it still works.
	mfaID = e.wantMFA(t, passwordFirst)
	e.clock.Advance(users.MFA.Duration - time.Second)
	authOK(t, e.post(t, otpLoginPath+"?mfaId="+mfaID, "", aliceOTP()), userKeys)
}

func TestMFAOffIgnoresMFAID(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)
	// PocketBase ignores an mfaId when MFA does not apply.
	authOK(t, e.post(t, loginPath+"?mfaId=aaaaaaaaaaaaaaa", "", loginBody("alice@example.com", alicePassword)), userKeys)
}

func TestMFASuperusersForcedByOTP(t *testing.T) {
	t.Parallel()
	e := newEnvCollections(t, func(users, supers *core.Collection) {
		users.OTP.Enabled = true
		supers.OTP.Enabled = true // MFA left off: start-up must force it
	})
	if _, err := e.svc.UpsertSuperuser(context.Background(), rootEmail, rootPassword); err != nil {
		t.Fatal(err)
	}
	// ?fields= picking sorts keys, as PocketBase's does.
	const methods = `"mfa":{"duration":600,"enabled":true},"otp":{"duration":180,"enabled":true}`
	if r := e.get(t, supersPath+"/auth-methods?fields=mfa,otp", ""); r.body != "{"+methods+"}\n" {
		t.Errorf("_superusers auth-methods = %s, want {%s}", r.body, methods)
	}
	// Only _superusers: users may log in with a code alone.
	if r := e.get(t, usersPath+"/auth-methods?fields=mfa", ""); r.body != `{"mfa":{"duration":0,"enabled":false}}`+"\n" {
		t.Errorf("users auth-methods = %s, want MFA off", r.body)
	}

	// A password alone is not enough, and neither is a mailed code.
	mfaID := e.wantMFA(t, request{method: http.MethodPost, path: supersPath + "/auth-with-password", body: loginBody(rootEmail, rootPassword)})
	otpID, code := e.otpFor(t, "_superusers", rootEmail)
	e.wantMFA(t, request{method: http.MethodPost, path: supersPath + "/auth-with-otp", body: otpBody(otpID, code)})
	// Both together are.
	otpID, code = e.otpFor(t, "_superusers", rootEmail)
	token, _ := authOK(t, e.post(t, supersPath+"/auth-with-otp?mfaId="+mfaID, "", otpBody(otpID, code)), superuserKeys)
	if got := e.methodsOf(t, "_superusers", token); !equalSlices(got, []string{"pwd", "otp", "mfa"}) {
		t.Errorf("superuser session methods = %v, want [pwd otp mfa]", got)
	}
}
