package conduit_test

import (
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestTwoFALifecycle: enable (sudo) and confirm with the app's first
// code; a login then answers an `authorized: false` token that only the
// second-factor routes take; verify completes it with the pair
// (authorized, sudo); back-up codes are Conduit's "1234 5678" and
// complete a login once each; disable (sudo) turns it off.
func TestTwoFALifecycle(t *testing.T) {
	t.Parallel()
	e := twoFAEnv(t)
	id := e.register(t, "tfa@example.com")
	e.markVerified(t, id)
	first := e.login(t, "tfa@example.com")
	renewed := e.renewed(t, first)

	// Enabling is sudo's, and only the app is a method.
	put := func(path, body, tok string) response {
		return e.do(t, request{method: http.MethodPut, path: path, body: body, token: tok})
	}
	wantError(t, put("/authentication/twoFa/enable", `{"method":"authenticator"}`, renewed), 403, "FORBIDDEN", "Re-login required to enter sudo mode")
	fresh := e.login(t, "tfa@example.com")
	wantError(t, put("/authentication/twoFa/enable", `{"method":"sms","phoneNumber":"+15550100"}`, fresh.AccessToken), 400, "INVALID_ARGUMENTS", "Method not valid")
	wantError(t, put("/authentication/twoFa/enable", `{}`, fresh.AccessToken), 400, "USER_INPUT_ERROR", "method is required")
	wantError(t, e.post(t, "/authentication/twoFa/enable/verify", `{"code":"123456"}`, fresh.AccessToken), 400, "INVALID_ARGUMENTS", "2FA is not being enabled")
	r := put("/authentication/twoFa/enable", `{"method":"authenticator"}`, fresh.AccessToken)
	wantStatus(t, r, 200)
	wantError(t, e.post(t, "/authentication/twoFa/enable/verify", `{"code":"000000"}`, fresh.AccessToken), 400, "INVALID_ARGUMENTS", "Code is not correct")
	secret := e.enable2FA(t, id, fresh.AccessToken) // a new secret replaces the unconfirmed one
	r = put("/authentication/twoFa/enable", `{"method":"authenticator"}`, fresh.AccessToken)
	if r.status != 200 || r.body != `{"result":"2FA already enabled"}`+"\n" {
		t.Fatalf("enable again: %d %s", r.status, r.body)
	}

	// The login waits for the app; its token is refused everywhere else.
	pending := e.pendingLogin(t, "tfa@example.com")
	for _, rq := range []request{
		{method: http.MethodGet, path: "/authentication/user"},
		{method: http.MethodPost, path: "/authentication/logout"},
		{method: http.MethodPut, path: "/authentication/twoFa/enable", body: `{"method":"authenticator"}`},
		{method: http.MethodPost, path: "/authentication/twoFa/enable/verify", body: `{"code":"123456"}`},
		{method: http.MethodPut, path: "/authentication/twoFa/disable"},
		{method: http.MethodGet, path: "/authentication/twoFa/generate"},
		{method: http.MethodDelete, path: "/authentication/user"},
		{method: http.MethodPost, path: "/authentication/local/change-password", body: `{"newPassword":"another password 1"}`},
	} {
		rq.token = pending
		wantError(t, e.do(t, rq), 401, "UNAUTHORIZED", "2FA is required")
	}
	// As a refresh token it is nothing.
	if r := e.renew(t, pending); r.status < 400 || r.status >= 500 {
		t.Fatalf("renew with a pending token: %d %s", r.status, r.body)
	}
	r = e.post(t, "/authentication/twoFa/authorize", "", pending)
	if r.status != 200 || r.body != `{"method":"authenticator","message":"Use your authenticator app to get the code"}`+"\n" {
		t.Fatalf("authorize: %d %s", r.status, r.body)
	}
	wantError(t, e.post(t, "/authentication/twoFa/verify", `{"code":"000000"}`, pending), 400, "INVALID_ARGUMENTS", "Code is not correct")
	wantError(t, e.post(t, "/authentication/twoFa/verify", `{}`, pending), 400, "USER_INPUT_ERROR", "code is required")
	r = e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, pending)
	wantStatus(t, r, 200)
	var full tokens
	decode(t, r, &full)
	if full.AccessToken == "" || full.RefreshToken == "" {
		t.Fatalf("verify answered %s", r.body)
	}
	if c := jwtClaims(t, full.AccessToken); c["authorized"] != true || c["sudo"] != true {
		t.Errorf("verified claims = %v", c)
	}
	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: full.AccessToken}), 200)
	// The pending token completed its login.
	wantError(t, e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, pending),
		401, "UNAUTHORIZED", "Token has been revoked or there is a mismatch between the token and the client")
	// A completed login has nothing to verify.
	r = e.post(t, "/authentication/twoFa/authorize", "", full.AccessToken)
	if r.status != 200 || !strings.Contains(r.body, `"method":"authenticator"`) {
		t.Fatalf("authorize with a full token: %d %s", r.status, r.body)
	}
	// A renewed token steps up to sudo with a code (Conduit's verify with
	// an authorized token).
	stale := e.renewed(t, full)
	wantError(t, e.post(t, "/authentication/twoFa/verify", `{"code":"123456"}`, stale), 400, "INVALID_ARGUMENTS", "Code is not correct")
	r = e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, stale)
	wantStatus(t, r, 200)
	var up tokens
	decode(t, r, &up)
	if c := jwtClaims(t, up.AccessToken); up.RefreshToken == "" || c["sudo"] != true {
		t.Fatalf("step-up answered %s (claims %v)", r.body, c)
	}
	full = up

	// Back-up codes: sudo's, 10 of them, each good once. (A new window
	// of core's second-factor tries first: the codes above used most of
	// this one's.)
	e.Clock.Advance(5 * time.Minute)
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/authentication/twoFa/generate", token: e.renewed(t, full)}),
		403, "FORBIDDEN", "Re-login required to enter sudo mode")
	full = e.verified(t, "tfa@example.com", secret)
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/twoFa/generate", token: full.AccessToken})
	wantStatus(t, r, 200)
	var codes []string
	decode(t, r, &codes)
	shape := regexp.MustCompile(`^[0-9]{4} [0-9]{4}$`)
	if len(codes) != 10 {
		t.Fatalf("generate answered %s", r.body)
	}
	for _, c := range codes {
		if !shape.MatchString(c) {
			t.Fatalf("back-up code %q, want \"1234 5678\"", c)
		}
	}
	pending = e.pendingLogin(t, "tfa@example.com")
	wantError(t, e.post(t, "/authentication/twoFa/recover", `{"code":"1234"}`, pending), 400, "INVALID_ARGUMENTS", "Incorrect code format")
	wantError(t, e.post(t, "/authentication/twoFa/recover", `{"code":"abcd efgh"}`, pending), 400, "INVALID_ARGUMENTS", "Incorrect code format")
	wantError(t, e.post(t, "/authentication/twoFa/recover", `{"code":"0000 0000"}`, pending), 401, "UNAUTHORIZED", "Invalid code")
	r = e.post(t, "/authentication/twoFa/recover", `{"code":"`+strings.ReplaceAll(codes[4], " ", "")+`"}`, pending)
	wantStatus(t, r, 200)
	var rec struct {
		tokens
		Message string `json:"message"`
	}
	decode(t, r, &rec)
	if rec.AccessToken == "" || rec.RefreshToken == "" || rec.Message != "You have 9 back up codes left" {
		t.Fatalf("recover answered %s", r.body)
	}
	pending = e.pendingLogin(t, "tfa@example.com")
	wantError(t, e.post(t, "/authentication/twoFa/recover", `{"code":"`+codes[4]+`"}`, pending), 401, "UNAUTHORIZED", "Invalid code")

	// Disabling is sudo's; then a password alone logs in again.
	full = e.verified(t, "tfa@example.com", secret)
	wantError(t, put("/authentication/twoFa/disable", "", e.renewed(t, full)), 403, "FORBIDDEN", "Re-login required to enter sudo mode")
	full = e.verified(t, "tfa@example.com", secret)
	r = put("/authentication/twoFa/disable", "", full.AccessToken)
	if r.status != 200 || r.body != `{"result":"2FA disabled"}`+"\n" {
		t.Fatalf("disable: %d %s", r.status, r.body)
	}
	after := e.login(t, "tfa@example.com")
	r = e.post(t, "/authentication/twoFa/authorize", "", after.AccessToken)
	if r.status != 200 || r.body != `{"result":"2FA disabled"}`+"\n" {
		t.Fatalf("authorize without 2FA: %d %s", r.status, r.body)
	}
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/twoFa/generate", token: after.AccessToken})
	wantError(t, r, 400, "INVALID_ARGUMENTS", "2FA is not enabled")
}

// verified logs a 2FA user in through the app: a fresh (sudo) pair.
func (e *env) verified(t testing.TB, email, secret string) tokens {
	t.Helper()
	pending := e.pendingLogin(t, email)
	r := e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, pending)
	wantStatus(t, r, 200)
	var tk tokens
	decode(t, r, &tk)
	return tk
}

// TestUserHasTwoFA: the user object's hasTwoFA is core's TOTP status:
// false at registration and while the app is only being enrolled, true
// once it is confirmed (GET and PATCH), false again once disabled.
func TestUserHasTwoFA(t *testing.T) {
	e := twoFAEnv(t)
	r := e.post(t, "/authentication/local/new", credentials("tfa@example.com", password), "")
	wantStatus(t, r, 200)
	var reg struct{ User map[string]any }
	decode(t, r, &reg)
	id, _ := reg.User["_id"].(string)
	if v, ok := reg.User["hasTwoFA"]; !ok || v != false {
		t.Fatalf("registered user = %v, want hasTwoFA false", reg.User)
	}
	e.markVerified(t, id)
	fresh := e.login(t, "tfa@example.com").AccessToken
	has := func(tok string) any { return e.userOf(t, tok)["hasTwoFA"] }
	if v := has(fresh); v != false {
		t.Fatalf("hasTwoFA before enrolment = %v", v)
	}
	wantStatus(t, e.do(t, request{method: http.MethodPut, path: "/authentication/twoFa/enable", body: `{"method":"authenticator"}`, token: fresh}), 200)
	if v := has(fresh); v != false {
		t.Fatalf("hasTwoFA while enrolling = %v", v)
	}
	e.enable2FA(t, id, fresh)
	if v := has(fresh); v != true {
		t.Fatalf("hasTwoFA with the app confirmed = %v", v)
	}
	r = e.do(t, request{method: http.MethodPatch, path: "/authentication/user", body: `{"userData":{"city":"Oslo","hasTwoFA":false}}`, token: fresh})
	wantStatus(t, r, 200)
	var patched map[string]any
	decode(t, r, &patched)
	if patched["hasTwoFA"] != true || patched["city"] != "Oslo" {
		t.Fatalf("patched user = %v, want hasTwoFA true (userData cannot set it)", patched)
	}
	wantStatus(t, e.do(t, request{method: http.MethodPut, path: "/authentication/twoFa/disable", token: fresh}), 200)
	if v := has(fresh); v != false {
		t.Fatalf("hasTwoFA after disabling = %v", v)
	}
}
