package directus_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/setting"
)

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.opt.PasswordResetURLAllowList = []string{"https://app.test/reset"}
	})
	e.user(t, "Ada@Example.com")
	tk, _ := e.login(t, "ada@example.com", "json")

	// Default link, found case-insensitively.
	wantStatus(t, e.post(t, "/auth/password/request", `{"email":"ada@example.com"}`), http.StatusNoContent)
	link, token := e.mailTo(t, "Ada@Example.com")
	if want := publicURL + "/admin/reset-password?token=" + token; link != want {
		t.Errorf("link = %q, want %q", link, want)
	}
	// An allowed reset_url, its query kept.
	e.Clock.Advance(3 * time.Minute) // past core's resend throttle
	wantStatus(t, e.post(t, "/auth/password/request", `{"email":"Ada@Example.com","reset_url":"https://app.test/reset?lang=en&token=old"}`), http.StatusNoContent)
	link, token = e.mailTo(t, "Ada@Example.com")
	if want := "https://app.test/reset?lang=en&token=" + token; link != want {
		t.Errorf("link = %q, want %q", link, want)
	}

	// Unknown users get the same 204 and no mail.
	wantStatus(t, e.post(t, "/auth/password/request", `{"email":"nobody@example.com"}`), http.StatusNoContent)
	if msgs := e.DeliverAll(t); len(msgs) != 0 {
		t.Errorf("an unknown address got %d mails", len(msgs))
	}
	for _, tc := range []struct{ body, msg string }{
		{`{}`, `Invalid payload. "email" field is required.`},
		{`{"email":1}`, `Invalid payload. "email" must be a string.`},
		{`{"email":"ada@example.com","reset_url":"https://evil.test/reset"}`, `Invalid payload. URL "https://evil.test/reset" can't be used to reset passwords.`},
		{`{"email":"ada@example.com","reset_url":"http://app.test/reset"}`, ""},
		{`{"email":"ada@example.com","reset_url":"/admin/reset-password"}`, ""},
	} {
		wantError(t, e.post(t, "/auth/password/request", tc.body), "INVALID_PAYLOAD", tc.msg)
	}

	// Reset with the mailed token: 204, sessions end, the new password
	// works and the token is spent.
	wantError(t, e.post(t, "/auth/password/reset", `{"token":`+jsonString(token)+`}`), "INVALID_PAYLOAD", `Invalid payload. "password" is required.`)
	wantError(t, e.post(t, "/auth/password/reset", `{"password":"new password"}`), "INVALID_PAYLOAD", `Invalid payload. "token" is required.`)
	wantError(t, e.post(t, "/auth/password/reset", `{"token":`+jsonString(token)+`,"password":"short"}`), "INVALID_PAYLOAD", `Invalid payload. "password" length must be between 8 and 255.`)
	wantError(t, e.post(t, "/auth/password/reset", `{"token":"garbage","password":"new password"}`), "INVALID_TOKEN", "Invalid token.")
	wantStatus(t, e.post(t, "/auth/password/reset", `{"token":`+jsonString(token)+`,"password":"new password"}`), http.StatusNoContent)
	wantError(t, e.post(t, "/auth/password/reset", `{"token":`+jsonString(token)+`,"password":"newer password"}`), "INVALID_TOKEN", "")
	wantError(t, e.get(t, "/users/me", tk.AccessToken), "INVALID_CREDENTIALS", "")
	wantStatus(t, e.post(t, "/auth/login", credentials("ada@example.com", "new password", "")), http.StatusOK)
}

// TestPasswordRequestStall checks that known and unknown addresses both
// take at least LoginStall.
func TestPasswordRequestStall(t *testing.T) {
	t.Parallel()
	const stallTime = 120 * time.Millisecond
	e := newEnv(t, func(c *config) { c.opt.LoginStall = setting.Duration(stallTime) })
	e.user(t, "ada@example.com")
	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		r := e.post(t, "/auth/password/request", `{"email":`+jsonString(email)+`}`)
		if r.status != http.StatusNoContent || r.elapsed < stallTime {
			t.Errorf("%s: %d after %v, want 204 after >= %v", email, r.status, r.elapsed, stallTime)
		}
	}
}
