package conduit_test

import (
	"net/http"
	"testing"
	"time"
)

// renewed returns an access token minted by a renewal: a valid token
// that is not sudo.
func (e *env) renewed(t testing.TB, tk tokens) string {
	t.Helper()
	r := e.renew(t, tk.RefreshToken)
	wantStatus(t, r, 200)
	var out tokens
	decode(t, r, &out)
	return out.AccessToken
}

// TestChangePassword: sudo only; Conduit's refusals; a change ends
// every session.
func TestChangePassword(t *testing.T) {
	e := newEnv(t, nil)
	e.register(t, "alice@example.com")
	tk := e.login(t, "alice@example.com")
	change := func(token, body string) response {
		return e.post(t, "/authentication/local/change-password", body, token)
	}
	good := `{"oldPassword":"` + password + `","newPassword":"brand new password"}`

	wantError(t, change(e.renewed(t, tk), good), 403, "FORBIDDEN", "Re-login required to enter sudo mode")
	tk = e.login(t, "alice@example.com") // the renewal rotated the pair
	wantError(t, change("", good), 401, "UNAUTHORIZED", "")
	wantError(t, change(tk.AccessToken, `{"oldPassword":"wrong password","newPassword":"brand new password"}`), 401, "UNAUTHORIZED", "Invalid password")
	wantError(t, change(tk.AccessToken, `{"oldPassword":"`+password+`","newPassword":"`+password+`"}`), 400, "INVALID_ARGUMENTS",
		"The new password can not be the same as the old password")
	wantError(t, change(tk.AccessToken, `{"oldPassword":"`+password+`"}`), 400, "USER_INPUT_ERROR", "newPassword is required")
	wantError(t, change(tk.AccessToken, `{"oldPassword":"`+password+`","newPassword":"x"}`), 400, "INVALID_ARGUMENTS", "")

	wantResult(t, change(tk.AccessToken, good), "Password changed successfully")
	r := e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken})
	wantStatus(t, r, 401)
	wantStatus(t, e.post(t, "/authentication/local", credentials("alice@example.com", password), ""), 401)
	wantStatus(t, e.post(t, "/authentication/local", credentials("alice@example.com", "brand new password"), ""), 200)
}

// TestChangeEmail: sudo only; Conduit's refusals; the mailed link alone
// moves the account (fixing v0.16.29's hook, which always answers 404),
// once, and the carried redirectUri is held to the allow list.
func TestChangeEmail(t *testing.T) {
	e := newEnv(t, func(c *config) {
		c.opt.RedirectURIs.WhitelistedURIs = []string{"https://app.test/changed"}
	})
	mb := startMail(t, e)
	e.register(t, "alice@example.com")
	e.register(t, "bob@example.com")
	tk := e.login(t, "alice@example.com")
	change := func(token, body string) response {
		return e.post(t, "/authentication/local/change-email", body, token)
	}

	wantError(t, change(e.renewed(t, tk), `{"newEmail":"new@example.com"}`), 403, "FORBIDDEN", "Re-login required to enter sudo mode")
	tk = e.login(t, "alice@example.com")
	wantError(t, change(tk.AccessToken, `{"newEmail":"alice@example.com"}`), 400, "INVALID_ARGUMENTS", "The new email can not be the same as the old email")
	wantError(t, change(tk.AccessToken, `{"newEmail":"bob@example.com"}`), 500, "INTERNAL_SERVER_ERROR", "Email address already taken")
	wantError(t, change(tk.AccessToken, `{"newEmail":"not an email"}`), 400, "INVALID_ARGUMENTS", "Invalid email address provided")
	wantError(t, change(tk.AccessToken, `{"newEmail":"new@example.com","redirectUri":"https://evil.test/"}`), 403, "FORBIDDEN", "Invalid redirect URI")
	mb.none(t)

	wantResult(t, change(tk.AccessToken, `{"newEmail":"new@example.com","redirectUri":"https://app.test/changed"}`), "Verification code sent")
	path, token := hookInMail(t, mb.next(t, "new@example.com"), "verify-change-email")
	// Nothing changed yet.
	wantStatus(t, e.post(t, "/authentication/local", credentials("alice@example.com", password), ""), 200)

	// An edited link may not lead elsewhere, and spends nothing.
	r := e.get(t, "/hook/authentication/verify-change-email/"+token+"?redirectUri=https%3A%2F%2Fevil.test%2F")
	wantError(t, r, 403, "FORBIDDEN", "Invalid redirect URI")
	wantLocation(t, e.get(t, path), "https://app.test/changed")

	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken}), 401)
	wantStatus(t, e.post(t, "/authentication/local", credentials("alice@example.com", password), ""), 401)
	nt := e.login(t, "new@example.com")
	u := e.userOf(t, nt.AccessToken)
	if u["email"] != "new@example.com" || u["isVerified"] != true {
		t.Fatalf("user after the change = %v", u)
	}
	r = e.get(t, path)
	wantError(t, r, 404, "NOT_FOUND", "Change email token does not exist")

	// Without a redirect anywhere, the hook answers Conduit's result.
	e.Clock.Advance(2 * time.Minute)
	wantStatus(t, change(nt.AccessToken, `{"newEmail":"third@example.com"}`), 200)
	path, _ = hookInMail(t, mb.next(t, "third@example.com"), "verify-change-email")
	wantResult(t, e.get(t, path), "Email changed successfully")
	wantError(t, e.get(t, "/hook/authentication/verify-change-email/x.y.z"), 404, "NOT_FOUND", "Change email token does not exist")
}
