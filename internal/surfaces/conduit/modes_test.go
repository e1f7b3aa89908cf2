package conduit_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// TestCookieMode: with setCookie on for both tokens the login body keeps
// only userId, the cookies carry the tokens with a Max-Age in seconds
// (not Conduit v0.16's thousandth), the access cookie authenticates,
// renew reads the refresh cookie, and logout clears both.
func TestCookieMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.opt.AccessTokens.SetCookie, c.opt.RefreshTokens.SetCookie = true, true
		c.opt.AccessTokens.ExpiryPeriod = setting.Duration(30 * time.Minute)
	})
	id := e.register(t, "cookie@example.com")
	r := e.post(t, "/authentication/local", credentials("cookie@example.com", password), "")
	wantStatus(t, r, 200)
	if r.body != `{"userId":"`+id+`"}`+"\n" {
		t.Errorf("login body = %q", r.body)
	}
	access, refresh := r.cookies["accessToken"], r.cookies["refreshToken"]
	if access == nil || refresh == nil {
		t.Fatalf("cookies = %v", r.cookies)
	}
	if access.MaxAge != 1800 || !access.HttpOnly || access.Path != "/" || access.SameSite != http.SameSiteLaxMode || access.Secure {
		t.Errorf("access cookie = %+v", access)
	}
	if week := 7 * 24 * 3600; refresh.MaxAge < week-5 || refresh.MaxAge > week || !refresh.HttpOnly {
		t.Errorf("refresh cookie = %+v", refresh)
	}
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/user", cookies: map[string]string{"accessToken": access.Value}})
	wantStatus(t, r, 200)

	r = e.do(t, request{method: http.MethodPost, path: "/authentication/renew", cookies: map[string]string{"refreshToken": refresh.Value}})
	wantStatus(t, r, 200)
	if r.body != "{}\n" || r.cookies["refreshToken"] == nil || r.cookies["refreshToken"].Value == refresh.Value {
		t.Fatalf("renew: %q %v", r.body, r.cookies)
	}
	next := r.cookies["accessToken"].Value

	r = e.do(t, request{method: http.MethodPost, path: "/authentication/logout", cookies: map[string]string{"accessToken": next}})
	wantStatus(t, r, 200)
	if r.body != `{"result":"LoggedOut"}`+"\n" {
		t.Errorf("logout body = %q", r.body)
	}
	for _, name := range []string{"accessToken", "refreshToken"} {
		if c := r.cookies[name]; c == nil || c.MaxAge >= 0 || c.Value != "" {
			t.Errorf("logout did not clear %s: %+v", name, c)
		}
	}
	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", cookies: map[string]string{"accessToken": next}}), 401)
}

// TestSingleSession: by default a new login ends the user's other
// sessions; with multiple_user_sessions both stay.
func TestSingleSession(t *testing.T) {
	t.Parallel()
	for _, multiple := range []bool{false, true} {
		e := newEnv(t, func(c *config) { c.opt.Clients.MultipleUserSessions = multiple })
		e.register(t, "one@example.com")
		first := e.login(t, "one@example.com")
		second := e.login(t, "one@example.com")
		r := e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: first.AccessToken})
		if multiple {
			wantStatus(t, r, 200)
			wantStatus(t, e.renew(t, first.RefreshToken), 200)
		} else {
			wantError(t, r, 401, "UNAUTHORIZED", "Token has been revoked or there is a mismatch between the token and the client")
			wantError(t, e.renew(t, first.RefreshToken), 400, "INVALID_ARGUMENTS", "Refresh token not found")
		}
		wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: second.AccessToken}), 200)
	}
}

// TestClientValidation: with validation on, routes need a known client's
// headers (the secret checked against its SHA-256); hooks do not.
func TestClientValidation(t *testing.T) {
	t.Parallel()
	sum := sha256.Sum256([]byte("s3cret"))
	e := newEnv(t, func(c *config) {
		c.opt.Clients.Validation = true
		c.opt.Clients.Secrets = map[string]string{"web": hex.EncodeToString(sum[:])}
	})
	body := credentials("client@example.com", password)
	for _, h := range []map[string]string{
		nil,
		{"clientid": "web"},
		{"clientid": "web", "clientsecret": "wrong"},
		{"clientid": "other", "clientsecret": "s3cret"},
		{"clientid": "", "clientsecret": ""},
	} {
		r := e.do(t, request{method: http.MethodPost, path: "/authentication/local/new", body: body, header: h})
		wantError(t, r, 401, "UNAUTHORIZED", "Client validation failed")
	}
	ok := map[string]string{"clientid": "web", "clientsecret": "s3cret"}
	wantStatus(t, e.do(t, request{method: http.MethodPost, path: "/authentication/local/new", body: body, header: ok}), 200)
	// A hook is opened by a browser: no client headers needed.
	r := e.do(t, request{method: http.MethodGet, path: "/hook/authentication/verify-email/x"})
	if r.status == 401 {
		t.Errorf("hook refused without client headers: %s", r.body)
	}
}

// TestImportedBcrypt: a user carrying Conduit's stored hash (bcryptjs, 10
// rounds) logs in with its password, and the hash is replaced by
// Gatehouse's own.
func TestImportedBcrypt(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	id := e.register(t, "imported@example.com")
	ctx := context.Background()
	u, err := e.Env.DB.UserByID(ctx, e.users.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	// Made by bcryptjs for "securePassword123" (internal/hashing/testdata).
	u.PasswordHash = "$2a$10$wC9vUr1lKVTcV6DTcDEKVugpyzyREEHpP/Zi5cZ8vqu4qinXyIB0e"
	if err := e.Env.DB.UpdateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	wantStatus(t, e.post(t, "/authentication/local", credentials("imported@example.com", "wrong"), ""), 401)
	e.login(t, "imported@example.com")
	deadline := time.Now().Add(5 * time.Second)
	for {
		u, err = e.Env.DB.UserByID(ctx, e.users.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(u.PasswordHash, "$argon2id$") {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("hash not upgraded: %.7s...", u.PasswordHash)
		}
		time.Sleep(10 * time.Millisecond)
	}
	e.login(t, "imported@example.com")
}

// TestRateLimitAndLockout: core's lockout reads as a wrong password
// (Conduit's 401), and its rate limits as 429 in Conduit's shape with
// Retry-After.
func TestRateLimitAndLockout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.settings = func(s *core.Settings) {
			s.Lockout = core.LockoutPolicy{MaxFailures: 2, Window: time.Minute, Duration: time.Minute}
			s.RateLimits = core.RateLimits{core.ActionLogin: {PerIP: core.Limit{Max: 20, Window: time.Minute}}}
		}
	})
	e.register(t, "locked@example.com")
	for range 3 {
		wantError(t, e.post(t, "/authentication/local", credentials("locked@example.com", "nope"), ""), 401, "UNAUTHORIZED", "Invalid login credentials")
	}
	wantError(t, e.post(t, "/authentication/local", credentials("locked@example.com", password), ""), 401, "UNAUTHORIZED", "Invalid login credentials")

	limited := false
	for i := 0; i < 30 && !limited; i++ {
		r := e.post(t, "/authentication/local", credentials("flood@example.com", "nope"), "")
		if r.status == 429 {
			wantError(t, r, 429, "TOO_MANY_REQUESTS", "Too many requests, try again later")
			if r.header.Get("Retry-After") == "" {
				t.Errorf("429 without Retry-After")
			}
			limited = true
		}
	}
	if !limited {
		t.Fatal("30 logins from one address were never rate limited")
	}
}

// TestPatchUser: userData merges into the profile; schema fields are
// never overwritten; a missing userData is the router's 400.
func TestPatchUser(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "patch@example.com")
	tk := e.login(t, "patch@example.com")
	r := e.do(t, request{method: http.MethodPatch, path: "/authentication/user", token: tk.AccessToken,
		body: `{"userData":{"city":"Oslo","email":"evil@example.com","isVerified":true}}`})
	wantStatus(t, r, 200)
	var u map[string]any
	decode(t, r, &u)
	if u["city"] != "Oslo" || u["email"] != "patch@example.com" || u["isVerified"] != false {
		t.Errorf("patched user = %v", u)
	}
	r = e.do(t, request{method: http.MethodPatch, path: "/authentication/user", token: tk.AccessToken, body: `{"userData":{"zip":"0150"}}`})
	decode(t, r, &u)
	if u["city"] != "Oslo" || u["zip"] != "0150" {
		t.Errorf("second patch lost a field: %v", u)
	}
	wantError(t, e.do(t, request{method: http.MethodPatch, path: "/authentication/user", token: tk.AccessToken, body: `{}`}),
		400, "USER_INPUT_ERROR", "userData is required")
	wantError(t, e.do(t, request{method: http.MethodPatch, path: "/authentication/user", token: tk.AccessToken, body: `{"userData":"x"}`}),
		400, "USER_INPUT_ERROR", "")
}

// TestCookieCSRF: a cookie-authenticated write from another site's page
// is refused in Conduit's shape; from the public URL's origin, or with
// the token in the header, it passes.
func TestCookieCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.opt.AccessTokens.SetCookie = true })
	e.register(t, "csrf@example.com")
	r := e.post(t, "/authentication/local", credentials("csrf@example.com", password), "")
	access := r.cookies["accessToken"].Value
	cookie := map[string]string{"accessToken": access}
	r = e.do(t, request{method: http.MethodPatch, path: "/authentication/user", body: `{"userData":{"a":1}}`, cookies: cookie,
		header: map[string]string{"Origin": "https://evil.example"}})
	wantError(t, r, 403, "FORBIDDEN", "Cross-site request refused")
	r = e.do(t, request{method: http.MethodPatch, path: "/authentication/user", body: `{"userData":{"a":1}}`, cookies: cookie,
		header: map[string]string{"Origin": "http://gatehouse.test"}})
	wantStatus(t, r, 200)
	r = e.do(t, request{method: http.MethodPatch, path: "/authentication/user", body: `{"userData":{"a":2}}`, token: access,
		header: map[string]string{"Origin": "https://evil.example"}})
	wantStatus(t, r, 200)
	// A read is not judged.
	r = e.do(t, request{method: http.MethodGet, path: "/authentication/user", cookies: cookie,
		header: map[string]string{"Origin": "https://evil.example"}})
	wantStatus(t, r, 200)
}
