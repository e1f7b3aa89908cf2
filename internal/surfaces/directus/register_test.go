package directus_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/setting"
)

func TestRegister(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.opt.RegisterURLAllowList = []string{"https://app.test/verify"}
	})
	r := e.post(t, "/users/register", `{"email":"ada@example.com","password":"correct horse","first_name":"Ada","last_name":"Lovelace"}`)
	wantStatus(t, r, http.StatusNoContent)
	link, token := e.mailTo(t, "ada@example.com")
	if want := publicURL + "/users/register/verify-email?token=" + token; link != want {
		t.Errorf("link = %q, want %q", link, want)
	}
	tk, _ := e.login(t, "ada@example.com", "json")
	item := e.me(t, tk.AccessToken)
	if item["status"] != "unverified" || item["first_name"] != "Ada" || item["last_name"] != "Lovelace" {
		t.Errorf("registered user = %v", item)
	}

	// Registering a taken address (in any case) answers the same, and
	// neither creates an account nor sends mail.
	wantStatus(t, e.post(t, "/users/register", `{"email":"ADA@example.com","password":"another pass"}`), http.StatusNoContent)
	if msgs := e.DeliverAll(t); len(msgs) != 0 {
		t.Errorf("a taken address got %d mails", len(msgs))
	}
	if n, _ := e.DB.CountUsers(context.Background(), e.users.ID); n != 1 {
		t.Errorf("users = %d, want 1", n)
	}

	// Verifying redirects to the user's page; a bad token to the login.
	r = e.get(t, "/users/register/verify-email?token="+token, "")
	wantStatus(t, r, http.StatusFound)
	if got, want := r.header.Get("Location"), publicURL+"/admin/users/"+item["id"].(string); got != want {
		t.Errorf("Location = %q, want %q", got, want)
	}
	if got := e.me(t, tk.AccessToken)["status"]; got != "active" {
		t.Errorf("status after verification = %v", got)
	}
	for _, q := range []string{"?token=garbage", ""} {
		r = e.get(t, "/users/register/verify-email"+q, "")
		if r.status != http.StatusFound || r.header.Get("Location") != publicURL+"/admin/login" {
			t.Errorf("verify%s = %d to %q", q, r.status, r.header.Get("Location"))
		}
	}

	// An allowed verification_url.
	wantStatus(t, e.post(t, "/users/register", `{"email":"bob@example.com","password":"correct horse","verification_url":"https://app.test/verify"}`), http.StatusNoContent)
	link, token = e.mailTo(t, "bob@example.com")
	if link != "https://app.test/verify?token="+token {
		t.Errorf("link = %q", link)
	}
	for _, tc := range []struct{ body, msg string }{
		{`{"email":"eve@example.com","password":"correct horse","verification_url":"https://evil.test/verify"}`,
			`Invalid payload. URL "https://evil.test/verify" can't be used to verify registered users.`},
		{`{"email":"eve@example.com"}`, `Invalid payload. "password" is required.`},
		{`{"email":"eve","password":"correct horse"}`, `Invalid payload. "email" must be a valid email.`},
		{`{"email":"eve@example.com","password":"short"}`, `Invalid payload. "password" must be at least 8 character(s).`},
		{`{"email":"eve@example.com","password":"correct horse","first_name":false}`, `Invalid payload. "first_name" must be a string.`},
	} {
		wantError(t, e.post(t, "/users/register", tc.body), "INVALID_PAYLOAD", tc.msg)
	}
}

func TestRegisterDisabledAndStall(t *testing.T) {
	t.Parallel()
	off := newEnv(t, func(c *config) { c.opt.PublicRegistration = false })
	wantError(t, off.post(t, "/users/register", `{"email":"ada@example.com","password":"correct horse"}`), "FORBIDDEN", "")

	const stallTime = 120 * time.Millisecond
	e := newEnv(t, func(c *config) { c.opt.RegisterStall = setting.Duration(stallTime) })
	for _, email := range []string{"ada@example.com", "ada@example.com"} { // new, then taken
		r := e.post(t, "/users/register", `{"email":`+jsonString(email)+`,"password":"correct horse"}`)
		if r.status != http.StatusNoContent || r.elapsed < stallTime {
			t.Errorf("register: %d after %v, want 204 after >= %v", r.status, r.elapsed, stallTime)
		}
	}
}
