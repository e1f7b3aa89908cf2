package pocketbase_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"
)

func TestAuthMethodsFactors(t *testing.T) {
	t.Parallel()
	const (
		head = `{"password":{"identityFields":["email"],"enabled":true},"oauth2":{"providers":[],"enabled":false},`
		tail = `"authProviders":null,"usernamePassword":false,"emailPassword":true}` + "\n"
	)
	tests := []struct {
		name     string
		otp, mfa bool
		otpDur   time.Duration
		mfaDur   time.Duration
		want     string
	}{
		{"off", false, false, 0, 0, `"mfa":{"enabled":false,"duration":0},"otp":{"enabled":false,"duration":0},`},
		{"otp only", true, false, 0, 0, `"mfa":{"enabled":false,"duration":0},"otp":{"enabled":true,"duration":180},`},
		{"both defaults", true, true, 0, 0, `"mfa":{"enabled":true,"duration":600},"otp":{"enabled":true,"duration":180},`},
		{"configured", true, true, 5 * time.Minute, 90 * time.Second, `"mfa":{"enabled":true,"duration":90},"otp":{"enabled":true,"duration":300},`},
		// A duration is reported only while its method is on.
		{"configured but off", false, false, 5 * time.Minute, 90 * time.Second, `"mfa":{"enabled":false,"duration":0},"otp":{"enabled":false,"duration":0},`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t)
			c := e.factors(t, "users", tt.otp, tt.mfa)
			if tt.otpDur > 0 {
				c.OTP.Duration, c.MFA.Duration = tt.otpDur, tt.mfaDur
			}
			r := e.get(t, usersPath+"/auth-methods", "")
			if want := head + tt.want + tail; r.status != 200 || r.body != want {
				t.Errorf("got %d %s\nwant %s", r.status, r.body, want)
			}
		})
	}
}

func TestRequestOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)

	wantError(t, e.post(t, otpRequestPath, "", `{"email":"alice@example.com"}`), 403, msgOTPOff, `{}`)
	wantError(t, e.post(t, otpLoginPath, "", otpBody("aaaaaaaaaaaaaaa", "12345678")), 403, msgOTPOff, `{}`)
	if n := e.pendingMail(t); n != 0 {
		t.Fatalf("disabled OTP queued %d mails", n)
	}

	c := e.factors(t, "users", true, false)
	for _, tt := range []struct{ name, body, code string }{
		{"missing", `{}`, "validation_required"},
		{"empty", `{"email":""}`, "validation_required"},
		{"not an email", `{"email":"alice"}`, "validation_is_email"},
		{"no domain", `{"email":"alice@"}`, "validation_is_email"},
	} {
		r := e.post(t, otpRequestPath, "", tt.body)
		wantFields(t, r, 400, msgValidation, map[string]string{"email": tt.code})
	}
	wantError(t, e.post(t, otpRequestPath, "", `{"email":`), 400, msgLoad, `{}`)

	// Known address: one mail with an 8-digit code.
	id, code := e.otpFor(t, "users", "alice@example.com")
	if len(code) != 8 {
		t.Errorf("code %q, want 8 digits", code)
	}
	// Unknown address: the same answer, no mail.
	fake := e.requestOTP(t, "users", "nobody@example.com")
	if fake == id {
		t.Error("unknown address got a real code's id")
	}
	if n := e.pendingMail(t); n != 0 {
		t.Errorf("unknown address queued %d mails", n)
	}
	// A fake id fails exactly like a wrong code.
	wrong := e.post(t, otpLoginPath, "", otpBody(id, otherCode(code)))
	wantError(t, wrong, 400, msgBadOTP, `{}`)
	if r := e.post(t, otpLoginPath, "", otpBody(fake, code)); r.body != wrong.body || r.status != wrong.status {
		t.Errorf("fake otpId: %d %s, want the wrong-code answer %s", r.status, r.body, wrong.body)
	}

	// The configured length is used.
	c.OTP.Length = 6
	_, code = e.otpFor(t, "users", "alice@example.com")
	if len(code) != 6 {
		t.Errorf("code %q, want 6 digits", code)
	}
}

// otherCode returns a code of the same length that differs from code.
func otherCode(code string) string {
	b := []byte(code)
	b[0] = '0' + (b[0]-'0'+1)%10
	return string(b)
}

func TestAuthWithOTP(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	old, id := e.user(t, "alice@example.com")
	e.factors(t, "users", true, false)

	for _, tt := range []struct {
		name, body string
		codes      map[string]string
	}{
		{"empty", `{}`, map[string]string{"otpId": "validation_required", "password": "validation_required"}},
		{"no password", `{"otpId":"aaaaaaaaaaaaaaa"}`, map[string]string{"password": "validation_required"}},
		{"no otpId", `{"password":"12345678"}`, map[string]string{"otpId": "validation_required"}},
	} {
		wantFields(t, e.post(t, otpLoginPath, "", tt.body), 400, msgValidation, tt.codes)
	}

	otpID, code := e.otpFor(t, "users", "alice@example.com")
	wantError(t, e.post(t, otpLoginPath, "", otpBody(otpID, otherCode(code))), 400, msgBadOTP, `{}`)
	token, rec := authOK(t, e.post(t, otpLoginPath, "", otpBody(otpID, code)), userKeys)
	if rec.ID != id || !rec.Verified {
		t.Errorf("OTP login record = %+v, want %s verified", rec, id)
	}
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"otp"}) {
		t.Errorf("session methods = %v, want [otp]", got)
	}
	// Single use.
	wantError(t, e.post(t, otpLoginPath, "", otpBody(otpID, code)), 400, msgBadOTP, `{}`)

	// The account was unverified and no second factor followed: the old
	// password and the old sessions are gone.
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", alicePassword)), 400, msgFailedAuth, `{}`)
	if e.alive(t, old) {
		t.Error("a session opened before the OTP login survived the password reset")
	}
	if !e.alive(t, token) {
		t.Error("the OTP login's own session is dead")
	}

	// An account verified beforehand keeps its password.
	bob, _ := e.user(t, "bob@example.com")
	wantStatus(t, e.post(t, usersPath+"/request-verification", "", `{"email":"bob@example.com"}`), 204)
	vt := e.mailTo(t, "bob@example.com")
	wantStatus(t, e.post(t, usersPath+"/confirm-verification", "", `{"token":`+jsonString(vt)+`}`), 204)
	otpID, code = e.otpFor(t, "users", "bob@example.com")
	if _, rec = authOK(t, e.post(t, otpLoginPath, "", otpBody(otpID, code)), userKeys); !rec.Verified {
		t.Error("bob's OTP login record is not verified")
	}
	authOK(t, e.post(t, loginPath, "", loginBody("bob@example.com", alicePassword)), userKeys)
	if !e.alive(t, bob) {
		t.Error("an OTP login of a verified account ended its other sessions")
	}
}

func TestAuthWithOTPExpiry(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)
	c := e.factors(t, "users", true, false)

	otpID, code := e.otpFor(t, "users", "alice@example.com")
	e.clock.Advance(c.OTP.Duration + time.Second)
	wantError(t, e.post(t, otpLoginPath, "", otpBody(otpID, code)), 400, msgBadOTP, `{}`)

	// Just inside the lifetime it works.
	otpID, code = e.otpFor(t, "users", "alice@example.com")
	e.clock.Advance(c.OTP.Duration - time.Second)
	authOK(t, e.post(t, otpLoginPath, "", otpBody(otpID, code)), userKeys)
}

func TestAuthWithOTPAttemptLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)
	c := e.factors(t, "users", true, false)

	otpID, code := e.otpFor(t, "users", "alice@example.com")
	for i := range 5 {
		r := e.post(t, otpLoginPath, "", otpBody(otpID, otherCode(code)))
		if r.status != 400 {
			t.Fatalf("try %d: %d %s, want 400", i+1, r.status, r.body)
		}
	}
	// The 6th try is refused before the code is looked at.
	r := e.post(t, otpLoginPath, "", otpBody(otpID, code))
	if r.status != http.StatusTooManyRequests || r.body != otpTooMany {
		t.Fatalf("6th try: %d %s, want 429 %s", r.status, r.body, otpTooMany)
	}
	ra, err := strconv.Atoi(r.header.Get("Retry-After"))
	if err != nil || ra < 1 || ra > int(c.OTP.Duration/time.Second) {
		t.Errorf("Retry-After = %q, want 1..%d seconds", r.header.Get("Retry-After"), int(c.OTP.Duration/time.Second))
	}
	// Still refused once the code is no longer the only thing wrong.
	if r := e.post(t, otpLoginPath, "", otpBody(otpID, code)); r.body != otpTooMany {
		t.Errorf("7th try: %d %s, want 429", r.status, r.body)
	}
}

func TestAuthWithOTPEmailChanged(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	id := e.signUp(t, "alice@example.com", alicePassword)
	root, _ := e.superuser(t)
	e.factors(t, "users", true, false)

	otpID, code := e.otpFor(t, "users", "alice@example.com")
	wantStatus(t, e.patch(t, usersRecords+"/"+id, root, `{"email":"alice2@example.com"}`), 200)
	// The code no longer proves the account's address: it must not
	// verify the account (refusing the code altogether is fine too).
	r := e.post(t, otpLoginPath, "", otpBody(otpID, code))
	if r.status == 200 {
		if _, rec := authOK(t, r, userKeys); rec.Verified {
			t.Error("a code mailed to the old address verified the new one")
		}
	} else {
		wantError(t, r, 400, msgBadOTP, `{}`)
	}
}

func TestRequestOTPCap(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", alicePassword)
	e.factors(t, "users", true, false)

	var last, code string
	for i := range 10 {
		last, code = e.otpFor(t, "users", "alice@example.com")
		if i < 9 {
			e.clock.Advance(time.Second)
		}
	}
	// Ten live codes are enough: the newest is handed back, unmailed.
	if again := e.requestOTP(t, "users", "alice@example.com"); again != last {
		t.Errorf("11th request got %s, want the newest id %s", again, last)
	}
	if n := e.pendingMail(t); n != 0 {
		t.Errorf("11th request queued %d mails", n)
	}
	authOK(t, e.post(t, otpLoginPath, "", otpBody(last, code)), userKeys)
}
