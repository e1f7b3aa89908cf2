package pocketbase_test

import (
	"context"
	"encoding/base32"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

const (
	totpOff     = `{"enabled":false,"pending":false,"recoveryCodesLeft":0}` + "\n"
	totpPending = `{"enabled":false,"pending":true,"recoveryCodesLeft":0}` + "\n"
	msgNoTOTP   = "No authenticator app is enabled."
)

// recoveryCode is the shape of one recovery code.
var recoveryCode = regexp.MustCompile(`^[a-z0-9]{5}-[a-z0-9]{5}$`)

// codeBody is a {code} body.
func codeBody(code string) string { return `{"code":` + jsonString(code) + `}` }

// totpLogin is an auth-with-totp body.
func totpLogin(mfaID, code string) string {
	return `{"mfaId":` + jsonString(mfaID) + `,"code":` + jsonString(code) + `}`
}

// totpStatus asserts GET /totp answers exactly want.
func (e *env) totpStatus(t testing.TB, token, want string) {
	t.Helper()
	if r := e.get(t, totpPath, token); r.status != 200 || r.body != want {
		t.Errorf("GET totp = %d %s, want %s", r.status, r.body, want)
	}
}

// enrollTOTP starts an enrolment and returns the secret, checking the
// answer's shape and its otpauth:// URL.
func (e *env) enrollTOTP(t testing.TB, token, email string) string {
	t.Helper()
	e.markVerified(t, email) // only verified accounts may add an app
	r := e.post(t, totpPath+"/enroll", token, `{"password":`+jsonString(alicePassword)+`}`)
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"secret", "url"}) {
		t.Errorf("enroll keys = %v, want [secret url]", got)
	}
	var en struct{ Secret, URL string }
	decode(t, r.body, &en)
	if key, err := base32.StdEncoding.WithPadding(base32.NoPadding).DecodeString(en.Secret); err != nil || len(key) < 16 {
		t.Errorf("secret %q: %d bytes, %v; want base32 of at least 128 bits", en.Secret, len(key), err)
	}
	u, err := url.Parse(en.URL)
	if err != nil || u.Scheme != "otpauth" || u.Host != "totp" || u.Query().Get("secret") != en.Secret ||
		!strings.Contains(u.Path, email) || u.Query().Get("issuer") != "Acme" {
		t.Errorf("url %q, want otpauth://totp/...%s...?secret=%s&issuer=Acme", en.URL, email, en.Secret)
	}
	return en.Secret
}

// confirmTOTP confirms the pending factor with the current code and
// returns the recovery codes, checking their shape.
func (e *env) confirmTOTP(t testing.TB, token, secret string) []string {
	t.Helper()
	r := e.post(t, totpPath+"/confirm", token, codeBody(surfacetest.TOTP(t, secret, e.clock.Now())))
	return checkRecoveryCodes(t, r)
}

// checkRecoveryCodes asserts a {recoveryCodes} answer of 10 distinct
// codes and returns them.
func checkRecoveryCodes(t testing.TB, r response) []string {
	t.Helper()
	wantStatus(t, r, 200)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"recoveryCodes"}) {
		t.Errorf("keys = %v, want [recoveryCodes]", got)
	}
	var out struct{ RecoveryCodes []string }
	decode(t, r.body, &out)
	seen := map[string]bool{}
	for _, c := range out.RecoveryCodes {
		if !recoveryCode.MatchString(c) || seen[c] {
			t.Errorf("recovery code %q malformed or repeated", c)
		}
		seen[c] = true
	}
	if len(out.RecoveryCodes) != 10 {
		t.Fatalf("%d recovery codes, want 10", len(out.RecoveryCodes))
	}
	return out.RecoveryCodes
}

// enableTOTP enrols and confirms an authenticator for the token's user
// and returns its secret and recovery codes.
func (e *env) enableTOTP(t testing.TB, token, email string) (string, []string) {
	t.Helper()
	secret := e.enrollTOTP(t, token, email)
	return secret, e.confirmTOTP(t, token, secret)
}

func TestTOTPEnrollAndConfirm(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	root, _ := e.superuser(t)

	for _, p := range []string{"/enroll", "/confirm", "/disable", "/recovery-codes"} {
		wantError(t, e.post(t, totpPath+p, "", codeBody("123456")), 401, msgNeedToken, `{}`)
		wantError(t, e.post(t, totpPath+p, root, codeBody("123456")), 403, "The request requires auth record from _superusers collection.", `{}`)
	}
	wantError(t, e.get(t, totpPath, ""), 401, msgNeedToken, `{}`)
	e.totpStatus(t, alice, totpOff)

	wantError(t, e.post(t, totpPath+"/enroll", alice, `{"password":"wrong-password"}`), 400, msgValidation,
		`{"password":{"code":"validation_invalid_password","message":"Missing or invalid auth record password."}}`)
	wantFields(t, e.post(t, totpPath+"/enroll", alice, `{}`), 400, msgValidation, map[string]string{"password": "validation_required"})
	wantError(t, e.post(t, totpPath+"/confirm", alice, codeBody("123456")), 400, "There is no authenticator app enrolment to confirm.", `{}`)

	// A second enrolment replaces the pending secret.
	stale := e.enrollTOTP(t, alice, "alice@example.com")
	secret := e.enrollTOTP(t, alice, "alice@example.com")
	if stale == secret {
		t.Fatal("re-enrolment kept the secret")
	}
	e.totpStatus(t, alice, totpPending)
	if c := surfacetest.TOTP(t, stale, e.clock.Now()); c != surfacetest.TOTP(t, secret, e.clock.Now()) {
		wantError(t, e.post(t, totpPath+"/confirm", alice, codeBody(c)), 400, msgBadCode, `{}`)
	}
	wantError(t, e.post(t, totpPath+"/confirm", alice, codeBody("abc")), 400, msgBadCode, `{}`)
	e.confirmTOTP(t, alice, secret)
	e.totpStatus(t, alice, `{"enabled":true,"pending":false,"recoveryCodesLeft":10}`+"\n")

	wantError(t, e.post(t, totpPath+"/enroll", alice, `{"password":`+jsonString(alicePassword)+`}`), 400, "An authenticator app is already enabled.", `{}`)
	wantError(t, e.post(t, totpPath+"/confirm", alice, codeBody(surfacetest.TOTP(t, secret, e.clock.Now()))), 400, "There is no authenticator app enrolment to confirm.", `{}`)
}

func TestTOTPLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	users := e.factors(t, "users", true, false) // OTP on, MFA off
	secret, codes := e.enableTOTP(t, alice, "alice@example.com")

	// The code that confirmed the app cannot also log in.
	mfaID := e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now()))), 400, msgBadCode, `{}`)
	e.clock.Advance(30 * time.Second)
	code := surfacetest.TOTP(t, secret, e.clock.Now())
	token, _ := authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, code)), userKeys)
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"pwd", "totp", "mfa"}) {
		t.Errorf("session methods = %v, want [pwd totp mfa]", got)
	}
	// Replays: the same code with a new challenge, and an older one.
	mfaID = e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, code)), 400, msgBadCode, `{}`)
	// One step ahead is accepted (clock drift); the step before it then is not.
	authOK(t, e.post(t, totpLoginPath+"?mfaId="+mfaID, "", codeBody(surfacetest.TOTP(t, secret, e.clock.Now().Add(30*time.Second)))), userKeys)
	e.clock.Advance(30 * time.Second)
	mfaID = e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now().Add(-30*time.Second)))), 400, msgBadCode, `{}`)

	// Recovery codes, typed in upper case, with or without the dash.
	for i, typed := range []string{strings.ToUpper(strings.ReplaceAll(codes[0], "-", "")), strings.ToUpper(codes[1])} {
		mfaID = e.wantMFA(t, passwordFirst)
		token, _ = authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, typed)), userKeys)
		if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"pwd", "recovery_code", "mfa"}) {
			t.Errorf("session methods = %v, want [pwd recovery_code mfa]", got)
		}
		e.totpStatus(t, token, `{"enabled":true,"pending":false,"recoveryCodesLeft":`+strconv.Itoa(9-i)+"}\n")
	}
	mfaID = e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, codes[0])), 400, msgBadCode, `{}`)

	// The app protects a login by mailed code as well.
	otpID, otp := e.otpFor(t, "users", "alice@example.com")
	mfaID = e.wantMFA(t, request{method: http.MethodPost, path: otpLoginPath, body: otpBody(otpID, otp)})
	e.clock.Advance(30 * time.Second)
	token, _ = authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now()))), userKeys)
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"otp", "totp", "mfa"}) {
		t.Errorf("session methods = %v, want [otp totp mfa]", got)
	}

	// Validation and unknown or expired challenges.
	wantFields(t, e.post(t, totpLoginPath, "", `{}`), 400, msgValidation, map[string]string{"mfaId": "validation_required", "code": "validation_required"})
	wantFields(t, e.post(t, totpLoginPath, "", `{"mfaId":"aaaaaaaaaaaaaaa"}`), 400, msgValidation, map[string]string{"code": "validation_required"})
	wantError(t, e.post(t, totpLoginPath, "", totpLogin("aaaaaaaaaaaaaaa", "123456")), 400, msgBadMFA, `{}`)
	mfaID = e.wantMFA(t, passwordFirst)
	e.clock.Advance(users.MFA.Duration + time.Second)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now()))), 400, msgBadMFA, `{}`)
}

func TestTOTPDisable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	wantError(t, e.post(t, totpPath+"/disable", alice, codeBody("123456")), 400, msgNoTOTP, `{}`)
	secret, codes := e.enableTOTP(t, alice, "alice@example.com")

	e.clock.Advance(30 * time.Second)
	wantError(t, e.post(t, totpPath+"/disable", alice, codeBody("000000")), 400, msgBadCode, `{}`)
	// An empty code is a field error, as on auth-with-totp, and does not
	// count as a try.
	wantError(t, e.post(t, totpPath+"/disable", alice, `{}`), 400, msgValidation,
		`{"code":{"code":"validation_required","message":"Cannot be blank."}}`)
	wantStatus(t, e.post(t, totpPath+"/disable", alice, codeBody(surfacetest.TOTP(t, secret, e.clock.Now()))), 204)
	e.totpStatus(t, alice, totpOff)
	token, _ := authOK(t, e.post(t, loginPath, "", loginBody("alice@example.com", alicePassword)), userKeys)
	if got := e.methodsOf(t, "users", token); !equalSlices(got, []string{"pwd"}) {
		t.Errorf("session methods = %v, want [pwd]", got)
	}
	wantError(t, e.post(t, totpPath+"/recovery-codes", alice, codeBody(codes[0])), 400, msgNoTOTP, `{}`)

	// A recovery code disables the app too.
	_, codes = e.enableTOTP(t, alice, "alice@example.com")
	wantStatus(t, e.post(t, totpPath+"/disable", alice, codeBody(codes[3])), 204)
	e.totpStatus(t, alice, totpOff)
}

func TestTOTPRecoveryCodesRegeneration(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	secret, old := e.enableTOTP(t, alice, "alice@example.com")
	e.clock.Advance(30 * time.Second)

	// A recovery code cannot mint new ones, and a refused request must
	// not cost the user that code.
	wantError(t, e.post(t, totpPath+"/recovery-codes", alice, codeBody(old[0])), 400, msgBadCode, `{}`)
	e.totpStatus(t, alice, `{"enabled":true,"pending":false,"recoveryCodesLeft":10}`+"\n")

	fresh := checkRecoveryCodes(t, e.post(t, totpPath+"/recovery-codes", alice, codeBody(surfacetest.TOTP(t, secret, e.clock.Now()))))
	for _, c := range fresh {
		for _, o := range old {
			if c == o {
				t.Errorf("regenerated code %q was in the old set", c)
			}
		}
	}
	e.totpStatus(t, alice, `{"enabled":true,"pending":false,"recoveryCodesLeft":10}`+"\n")
	mfaID := e.wantMFA(t, passwordFirst)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, old[1])), 400, msgBadCode, `{}`)
	authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, fresh[1])), userKeys)
}

func TestTOTPRefusedChallengeKeepsRecoveryCode(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	users := e.factors(t, "users", false, false)
	_, codes := e.enableTOTP(t, alice, "alice@example.com")

	// An expired challenge is refused; the recovery code offered with it
	// must still be there afterwards.
	mfaID := e.wantMFA(t, passwordFirst)
	e.clock.Advance(users.MFA.Duration + time.Second)
	wantError(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, codes[0])), 400, msgBadMFA, `{}`)
	e.totpStatus(t, alice, `{"enabled":true,"pending":false,"recoveryCodesLeft":10}`+"\n")
	mfaID = e.wantMFA(t, passwordFirst)
	authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, codes[0])), userKeys)
}

func TestTOTPAttemptLimit(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	alice, _ := e.user(t, "alice@example.com")
	secret, _ := e.enableTOTP(t, alice, "alice@example.com")
	// Start a fresh 5-minute attempt window, so the enrolment's try does
	// not count and all of the ones below fall in one window.
	now := e.clock.Now()
	e.clock.Advance(now.Truncate(5 * time.Minute).Add(5 * time.Minute).Sub(now))

	mfaID := e.wantMFA(t, passwordFirst)
	for i := range 10 {
		r := e.post(t, totpLoginPath, "", totpLogin(mfaID, "000000"))
		if r.status != 400 {
			t.Fatalf("try %d: %d %s, want 400", i+1, r.status, r.body)
		}
	}
	r := e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now())))
	if r.status != http.StatusTooManyRequests || r.body != tooMany {
		t.Fatalf("11th try: %d %s, want 429 %s", r.status, r.body, tooMany)
	}
	if ra, err := strconv.Atoi(r.header.Get("Retry-After")); err != nil || ra < 1 || ra > 300 {
		t.Errorf("Retry-After = %q, want 1..300", r.header.Get("Retry-After"))
	}
	// The limit covers the account's other code checks too.
	wantError(t, e.post(t, totpPath+"/disable", alice, codeBody(surfacetest.TOTP(t, secret, e.clock.Now()))), 429, "Too Many Requests.", `{}`)

	// The next window lets the owner in; the challenge is still valid.
	e.clock.Advance(5 * time.Minute)
	authOK(t, e.post(t, totpLoginPath, "", totpLogin(mfaID, surfacetest.TOTP(t, secret, e.clock.Now()))), userKeys)
}

// markVerified verifies the users collection's account with this email.
func (e *env) markVerified(t testing.TB, email string) {
	t.Helper()
	ctx := context.Background()
	u, err := e.db.UserByEmail(ctx, "_pb_users_auth_", email)
	if err != nil {
		t.Fatal(err)
	}
	u.Verified = true
	if err := e.db.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
}
