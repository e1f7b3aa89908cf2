package conduit_test

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

const (
	resetBase = "https://app.test/reset"
	otherBase = "https://app.test/other"
)

// userJSONOf reads the caller's user (GET /authentication/user).
func (e *env) userOf(t testing.TB, access string) map[string]any {
	t.Helper()
	r := e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: access})
	wantStatus(t, r, 200)
	var u map[string]any
	decode(t, r, &u)
	return u
}

// TestForgotAndResetPassword follows a reset mail over SMTP: the same
// answer for an unknown address, the link at the configured base with
// ?reset_token=, the old password refused, every session ended, single
// use, and redirectUri held to the whitelist.
func TestForgotAndResetPassword(t *testing.T) {
	e := newEnv(t, func(c *config) {
		c.opt.Local.ForgotPasswordRedirectURI = resetBase
		c.opt.RedirectURIs.WhitelistedURIs = []string{otherBase}
		c.opt.RedirectURIs.AllowAny = true // never enough for a mailed link
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	tk := e.login(t, "alice@example.com")

	unknown := e.post(t, "/authentication/forgot-password", `{"email":"nobody@example.com"}`, "")
	wantResult(t, unknown, "If the email address is valid, a password reset link will be sent to it.")
	mb.none(t)
	known := e.post(t, "/authentication/forgot-password", `{"email":"alice@example.com"}`, "")
	if known.status != unknown.status || known.body != unknown.body {
		t.Fatalf("answers differ: %d %s / %d %s", known.status, known.body, unknown.status, unknown.body)
	}
	tok := resetTokenIn(t, mb.next(t, "alice@example.com"), resetBase)

	r := e.post(t, "/authentication/reset-password", `{"passwordResetToken":`+jsonString(tok)+`,"password":"`+password+`"}`, "")
	wantError(t, r, 403, "FORBIDDEN", "Password can't be the same as the old one")
	r = e.post(t, "/authentication/reset-password", `{"passwordResetToken":"nope","password":"brand new password"}`, "")
	wantError(t, r, 400, "INVALID_ARGUMENTS", "Invalid parameters")
	r = e.post(t, "/authentication/reset-password", `{"passwordResetToken":`+jsonString(tok)+`,"password":"short"}`, "")
	wantStatus(t, r, 400)
	r = e.post(t, "/authentication/reset-password", `{"passwordResetToken":`+jsonString(tok)+`,"password":"brand new password"}`, "")
	wantResult(t, r, "Password reset successful")
	// Every session ended: the access token and the refresh token.
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken})
	wantStatus(t, r, 401)
	wantStatus(t, e.renew(t, tk.RefreshToken), 400)
	r = e.post(t, "/authentication/local", credentials("alice@example.com", "brand new password"), "")
	wantStatus(t, r, 200)
	// Single use.
	r = e.post(t, "/authentication/reset-password", `{"passwordResetToken":`+jsonString(tok)+`,"password":"another new password"}`, "")
	wantError(t, r, 400, "INVALID_ARGUMENTS", "Invalid parameters")

	// A whitelisted redirectUri replaces the base, its own query kept.
	e.Clock.Advance(2 * time.Minute) // past the resend threshold
	r = e.post(t, "/authentication/forgot-password", `{"email":"alice@example.com","redirectUri":"`+otherBase+`?lang=fr"}`, "")
	wantStatus(t, r, 200)
	text := mb.next(t, "alice@example.com")
	if !strings.Contains(text, otherBase+"?lang=fr&reset_token=") {
		t.Fatalf("reset link does not keep the redirect's query: %q", text)
	}
	// Anything else is refused, allow_any notwithstanding: the link
	// carries the token.
	for _, bad := range []string{"https://evil.test/reset", "javascript:alert(1)", "https://app.test@evil.test/reset", "/reset"} {
		r = e.post(t, "/authentication/forgot-password", `{"email":"alice@example.com","redirectUri":`+jsonString(bad)+`}`, "")
		wantError(t, r, 403, "FORBIDDEN", "Invalid redirect URI")
	}
	mb.none(t)
}

// TestVerificationLink follows the verification mail of a registration
// and a resend: the hook redirects, works again after use, refuses a bad
// token with 404; resends never tell who is registered or verified.
func TestVerificationLink(t *testing.T) {
	e := newEnv(t, func(c *config) {
		c.opt.Local.Verification.SendEmail = true
		c.opt.Local.Verification.RedirectURI = "https://app.test/verified"
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "verify-email")

	// Within the resend threshold nothing more is sent; the answer is
	// the same as for an unknown address.
	r := e.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, "")
	wantResult(t, r, "Verification code sent")
	r = e.post(t, "/authentication/local/resend-verification", `{"email":"nobody@example.com"}`, "")
	wantResult(t, r, "Verification code sent")
	mb.none(t)
	e.Clock.Advance(61 * time.Second)
	wantStatus(t, e.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, ""), 200)
	path2, _ := hookInMail(t, mb.next(t, "alice@example.com"), "verify-email")
	if path2 == path {
		t.Fatal("the resend mailed the same link")
	}

	wantLocation(t, e.get(t, path), "https://app.test/verified")
	tk := e.login(t, "alice@example.com")
	if v, _ := e.userOf(t, tk.AccessToken)["isVerified"].(bool); !v {
		t.Fatal("user not verified after the link")
	}
	wantLocation(t, e.get(t, path), "https://app.test/verified") // again: still verified
	r = e.get(t, "/hook/authentication/verify-email/not-a-token")
	wantError(t, r, 404, "NOT_FOUND", "Verification token not found")

	// A verified user gets the same answer, and no mail.
	e.Clock.Advance(61 * time.Second)
	wantResult(t, e.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, ""), "Verification code sent")
	mb.none(t)
}

// TestVerificationHookWithoutRedirect: no redirect_uri answers
// {"redirect":""} (Conduit v0.16.29); without send_email the resend
// route is not served, and the code route only serves the code method.
func TestVerificationHookWithoutRedirect(t *testing.T) {
	e := newEnv(t, func(c *config) { c.opt.Local.Verification.SendEmail = true })
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	path, _ := hookInMail(t, mb.next(t, "alice@example.com"), "verify-email")
	r := e.get(t, path)
	wantStatus(t, r, 200)
	if strings.TrimSpace(r.body) != `{"redirect":""}` {
		t.Fatalf("body = %s", r.body)
	}
	r = e.post(t, "/authentication/local/verify-email", `{"email":"alice@example.com","code":"1234"}`, "")
	wantError(t, r, 404, "NOT_FOUND", "Route not found")

	off := newEnv(t, nil)
	r = off.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, "")
	wantError(t, r, 404, "NOT_FOUND", "Route not found")
}

// TestRegisterMailsCode: with the code method, registration mails the
// 4-digit code (no link), verify-email with it verifies the account, and
// a resend moments later sends nothing (the code's resend threshold).
func TestRegisterMailsCode(t *testing.T) {
	e := newEnv(t, func(c *config) {
		c.opt.Local.Verification.SendEmail = true
		c.opt.Local.Verification.Method = "code"
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	text := mb.next(t, "alice@example.com")
	if strings.Contains(text, "/hook/authentication/verify-email/") {
		t.Fatalf("registration mailed a link with the code method: %q", text)
	}
	code := codeIn(t, text)
	wantResult(t, e.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, ""), "Verification code sent")
	mb.none(t)
	tk := e.login(t, "alice@example.com")
	if v, _ := e.userOf(t, tk.AccessToken)["isVerified"].(bool); v {
		t.Fatal("verified before the code was given")
	}
	r := e.post(t, "/authentication/local/verify-email", `{"email":"alice@example.com","code":`+jsonString(code)+`}`, "")
	wantResult(t, r, "OK")
	tk = e.login(t, "alice@example.com")
	if v, _ := e.userOf(t, tk.AccessToken)["isVerified"].(bool); !v {
		t.Fatal("the registration's code did not verify the account")
	}
}

// TestVerificationCode: the code method mails 4 digits; the right code
// verifies once; a code takes five tries, then even the right one is
// refused (429); unknown addresses read as wrong codes.
func TestVerificationCode(t *testing.T) {
	e := newEnv(t, func(c *config) {
		c.opt.Local.Verification.SendEmail = true
		c.opt.Local.Verification.Method = "code"
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	codeIn(t, mb.next(t, "alice@example.com")) // registration's own code
	e.Clock.Advance(61 * time.Second)
	wantResult(t, e.post(t, "/authentication/local/resend-verification", `{"email":"alice@example.com"}`, ""), "Verification code sent")
	code := codeIn(t, mb.next(t, "alice@example.com"))
	wrong := "0000"
	if code == wrong {
		wrong = "0001"
	}
	verify := func(email, code string) response {
		return e.post(t, "/authentication/local/verify-email", `{"email":`+jsonString(email)+`,"code":`+jsonString(code)+`}`, "")
	}
	wantError(t, verify("alice@example.com", wrong), 400, "INVALID_ARGUMENTS", "Invalid verification code")
	wantError(t, verify("nobody@example.com", code), 400, "INVALID_ARGUMENTS", "Invalid verification code")
	wantResult(t, verify("alice@example.com", code), "OK")
	tk := e.login(t, "alice@example.com")
	if v, _ := e.userOf(t, tk.AccessToken)["isVerified"].(bool); !v {
		t.Fatal("user not verified by the code")
	}
	wantError(t, verify("alice@example.com", code), 400, "INVALID_ARGUMENTS", "Invalid verification code")

	e.register(t, "bob@example.com")
	mb.next(t, "bob@example.com")
	e.Clock.Advance(61 * time.Second)
	wantStatus(t, e.post(t, "/authentication/local/resend-verification", `{"email":"bob@example.com"}`, ""), 200)
	code = codeIn(t, mb.next(t, "bob@example.com"))
	wrong = "0000"
	if code == wrong {
		wrong = "0001"
	}
	for range 5 {
		wantError(t, verify("bob@example.com", wrong), 400, "INVALID_ARGUMENTS", "Invalid verification code")
	}
	r := verify("bob@example.com", code)
	wantError(t, r, 429, "TOO_MANY_REQUESTS", "Too many attempts, request a new code later")
	if r.header.Get("Retry-After") == "" {
		t.Error("no Retry-After on the refused try")
	}
	// Two minutes later the code is dead anyway.
	e.Clock.Advance(2*time.Minute + time.Second)
	wantError(t, verify("bob@example.com", code), 400, "INVALID_ARGUMENTS", "Invalid verification code")
}
