package directus_test

import (
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// wantCookie asserts a cookie's value presence and Directus's flags.
func wantCookie(t testing.TB, r response, name string, maxAge int) *http.Cookie {
	t.Helper()
	c := r.cookies[name]
	if c == nil {
		t.Fatalf("no %s cookie; Set-Cookie %v", name, r.header.Values("Set-Cookie"))
	}
	if c.Value == "" || !c.HttpOnly || c.Path != "/" || c.MaxAge != maxAge || c.SameSite != http.SameSiteLaxMode || c.Secure || c.Domain != "" {
		t.Errorf("%s cookie = %+v, want a value, HttpOnly, Path=/, Max-Age=%d, SameSite=Lax, not Secure, no Domain", name, c, maxAge)
	}
	return c
}

// wantCleared asserts that the answer deletes a cookie.
func wantCleared(t testing.TB, r response, name string) {
	t.Helper()
	c := r.cookies[name]
	if c == nil || c.MaxAge >= 0 || c.Value != "" || c.Path != "/" {
		t.Fatalf("%s cookie not cleared: %+v (Set-Cookie %v)", name, c, r.header.Values("Set-Cookie"))
	}
}

var (
	jsonLogin    = regexp.MustCompile(`^\{"data":\{"expires":900000,"refresh_token":"[A-Za-z0-9_-]{43}","access_token":"[^"]+\.[^"]+\.[^"]+"\}\}\n$`)
	cookieLogin  = regexp.MustCompile(`^\{"data":\{"expires":900000,"access_token":"[^"]+\.[^"]+\.[^"]+"\}\}\n$`)
	sessionLogin = regexp.MustCompile(`^\{"data":\{"expires":86400000\}\}\n$`)
)

func TestLoginModes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	const week, day = 7 * 24 * 3600, 24 * 3600

	for _, tc := range []struct {
		mode   string
		body   *regexp.Regexp
		cookie string
		maxAge int
	}{
		{"", jsonLogin, "", 0}, // json is the default
		{"json", jsonLogin, "", 0},
		{"cookie", cookieLogin, "directus_refresh_token", week},
		{"session", sessionLogin, "directus_session_token", day},
	} {
		t.Run("mode="+tc.mode, func(t *testing.T) {
			tk, r := e.login(t, "ada@example.com", tc.mode)
			if !tc.body.MatchString(r.body) {
				t.Errorf("body = %s", r.body)
			}
			if tc.cookie == "" {
				if len(r.cookies) != 0 {
					t.Errorf("json mode set cookies %v", r.header.Values("Set-Cookie"))
				}
			} else {
				wantCookie(t, r, tc.cookie, tc.maxAge)
				if len(r.cookies) != 1 {
					t.Errorf("cookies = %v, want only %s", r.header.Values("Set-Cookie"), tc.cookie)
				}
			}
			// The issued credential authenticates.
			req := request{method: http.MethodGet, path: "/users/me", token: tk.AccessToken}
			if tc.mode == "session" {
				req = request{method: http.MethodGet, path: "/users/me", cookies: map[string]string{tc.cookie: r.cookies[tc.cookie].Value}}
			}
			wantStatus(t, e.do(t, req), http.StatusOK)
		})
	}
}

// TestLoginCookieOptions checks that the configured flags reach both
// cookies.
func TestLoginCookieOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.opt.CookieSecure, c.opt.CookieDomain, c.opt.CookieSameSite = setting.On, "gatehouse.test", "strict"
		c.opt.RefreshCookieName, c.opt.SessionCookieName = "rt", "st"
		c.opt.AccessTTL, c.opt.RefreshTTL, c.opt.SessionTTL = setting.Duration(time.Minute), setting.Duration(time.Hour), setting.Duration(2*time.Hour)
	})
	e.user(t, "ada@example.com")
	for mode, want := range map[string]struct {
		name   string
		maxAge int
	}{"cookie": {"rt", 3600}, "session": {"st", 7200}} {
		tk, r := e.login(t, "ada@example.com", mode)
		c := r.cookies[want.name]
		if c == nil || !c.Secure || c.Domain != "gatehouse.test" || c.SameSite != http.SameSiteStrictMode || c.MaxAge != want.maxAge || !c.HttpOnly {
			t.Errorf("%s mode cookie = %+v", mode, c)
		}
		if wantMS := int64(want.maxAge) * 1000; mode == "session" && *tk.Expires != wantMS {
			t.Errorf("session expires = %d, want %d", *tk.Expires, wantMS)
		}
		if mode == "cookie" && *tk.Expires != 60000 {
			t.Errorf("cookie expires = %d, want 60000", *tk.Expires)
		}
	}
}

func TestLoginFailures(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	wrong := e.post(t, "/auth/login", credentials("ada@example.com", "wrong horse", "json"))
	unknown := e.post(t, "/auth/login", credentials("nobody@example.com", password, "json"))
	wantError(t, wrong, "INVALID_CREDENTIALS", "Invalid user credentials.")
	if wrong.body != unknown.body || wrong.status != unknown.status {
		t.Errorf("unknown user %d %s differs from wrong password %d %s", unknown.status, unknown.body, wrong.status, wrong.body)
	}
	for _, tc := range []struct{ body, msg string }{
		{`{"password":"x"}`, `Invalid payload. "email" is required.`},
		{`{"email":"","password":"x"}`, `Invalid payload. "email" is not allowed to be empty.`},
		{`{"email":"admin@localhost","password":"x"}`, `Invalid payload. "email" must be a valid email.`},
		{`{"email":42,"password":"x"}`, `Invalid payload. "email" must be a string.`},
		{`{"email":"ada@example.com"}`, `Invalid payload. "password" is required.`},
		{`{"email":"ada@example.com","password":["x"]}`, `Invalid payload. "password" must be a string.`},
		{`{"email":"ada@example.com","password":"x","mode":"jwt"}`, `Invalid payload. "mode" must be one of [json, cookie, session].`},
		{`{"email":"ada@example.com","password":"x","otp":123456}`, `Invalid payload. "otp" must be a string.`},
	} {
		wantError(t, e.post(t, "/auth/login", tc.body), "INVALID_PAYLOAD", tc.msg)
	}
	// Unknown keys are allowed.
	r := e.post(t, "/auth/login", `{"email":"ada@example.com","password":"correct horse","mode":"json","extra":{"a":1}}`)
	wantStatus(t, r, http.StatusOK)
}

// TestLoginEmailCase checks Directus's case-insensitive lookup of an
// address stored with capitals.
func TestLoginEmailCase(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "Ada@Example.com")
	e.login(t, "ada@EXAMPLE.COM", "json")
}

// TestLoginStall checks that a failed and a successful login both take at
// least LoginStall (core pads them, by the surface's profile). A body
// refused before any account is looked at is not padded: its timing
// tells nothing about who has an account.
func TestLoginStall(t *testing.T) {
	t.Parallel()
	const stallTime = 150 * time.Millisecond
	e := newEnv(t, func(c *config) { c.opt.LoginStall = setting.Duration(stallTime) })
	e.user(t, "ada@example.com")
	for name, body := range map[string]string{
		"success": credentials("ada@example.com", password, "json"),
		"wrong":   credentials("ada@example.com", "wrong horse", "json"),
		"unknown": credentials("nobody@example.com", password, "json"),
	} {
		r := e.post(t, "/auth/login", body)
		if r.elapsed < stallTime {
			t.Errorf("%s login answered %d after %v, want >= %v", name, r.status, r.elapsed, stallTime)
		}
	}
}

// TestLoginLocked checks that a locked account answers a correct password
// exactly like a wrong one: no enumeration, no Retry-After.
func TestLoginLocked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.settings = func(s *core.Settings) {
			s.Lockout = core.LockoutPolicy{MaxFailures: 2, Window: time.Hour, Duration: time.Hour}
		}
	})
	e.user(t, "ada@example.com")
	var wrong response
	for range 2 {
		wrong = e.post(t, "/auth/login", credentials("ada@example.com", "wrong horse", "json"))
	}
	locked := e.post(t, "/auth/login", credentials("ada@example.com", password, "json"))
	wantError(t, locked, "INVALID_CREDENTIALS", "Invalid user credentials.")
	if locked.body != wrong.body || locked.header.Get("Retry-After") != "" {
		t.Errorf("locked answer %s (Retry-After %q) differs from a wrong password's %s", locked.body, locked.header.Get("Retry-After"), wrong.body)
	}
	// The lock ends by core's rules: time.
	e.Clock.Advance(time.Hour + time.Second)
	e.login(t, "ada@example.com", "json")
}
