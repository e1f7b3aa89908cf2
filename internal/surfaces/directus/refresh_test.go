package directus_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const msgNoRefresh = "Invalid payload. The refresh token is required in either the payload or cookie."

func (e *env) refreshJSON(t testing.TB, rt string) response {
	t.Helper()
	return e.post(t, "/auth/refresh", `{"mode":"json","refresh_token":`+jsonString(rt)+`}`)
}

func TestRefreshJSONRotation(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	first, _ := e.login(t, "ada@example.com", "json")

	e.Clock.Advance(time.Second)
	r := e.refreshJSON(t, first.RefreshToken)
	if !jsonLogin.MatchString(r.body) {
		t.Fatalf("refresh body = %s", r.body)
	}
	var second tokens
	data(t, r, &second)
	if second.RefreshToken == first.RefreshToken || second.AccessToken == first.AccessToken {
		t.Fatal("refresh did not rotate the tokens")
	}
	// Mode resolution: a refresh_token in the body means json mode.
	e.Clock.Advance(time.Second)
	r = e.post(t, "/auth/refresh", `{"refresh_token":`+jsonString(second.RefreshToken)+`}`)
	var third tokens
	data(t, r, &third)
	if third.RefreshToken == "" || third.AccessToken == "" {
		t.Fatalf("refresh without mode = %s, want json mode", r.body)
	}
	// As in Directus a rotated token is dead at once, even within core's
	// reuse grace (10 s in this env), and presenting it again is theft:
	// the session dies, successors included.
	wantError(t, e.refreshJSON(t, second.RefreshToken), "INVALID_CREDENTIALS", "Invalid user credentials.")
	wantError(t, e.refreshJSON(t, third.RefreshToken), "INVALID_CREDENTIALS", "")
	wantError(t, e.get(t, "/users/me", third.AccessToken), "INVALID_CREDENTIALS", "")
	wantError(t, e.refreshJSON(t, first.RefreshToken), "INVALID_CREDENTIALS", "")
}

func TestRefreshCookieMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	_, login := e.login(t, "ada@example.com", "cookie")
	old := login.cookies["directus_refresh_token"].Value

	// No mode and no refresh_token in the body: cookie mode.
	r := e.do(t, request{method: http.MethodPost, path: "/auth/refresh", body: `{}`, cookies: map[string]string{"directus_refresh_token": old}})
	if !cookieLogin.MatchString(r.body) {
		t.Fatalf("cookie refresh body = %s", r.body)
	}
	next := wantCookie(t, r, "directus_refresh_token", 7*24*3600).Value
	if next == old {
		t.Fatal("the refresh cookie was not rotated")
	}
	// No body at all works too (the SDK sends one, curl may not).
	r = e.do(t, request{method: http.MethodPost, path: "/auth/refresh", cookies: map[string]string{"directus_refresh_token": next}})
	wantStatus(t, r, http.StatusOK)

	wantError(t, e.post(t, "/auth/refresh", `{}`), "INVALID_PAYLOAD", msgNoRefresh)
	wantError(t, e.post(t, "/auth/refresh", `{"mode":"json"}`), "INVALID_PAYLOAD", msgNoRefresh)
	wantError(t, e.post(t, "/auth/refresh", `{"mode":"session"}`), "INVALID_PAYLOAD", msgNoRefresh)
	wantError(t, e.refreshJSON(t, "not-a-token"), "INVALID_CREDENTIALS", "")
}

// TestRefreshSessionMode checks session mode: the session cookie's token
// is rotated, the old one keeps working for SessionGrace only.
func TestRefreshSessionMode(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	_, login := e.login(t, "ada@example.com", "session")
	old := login.cookies["directus_session_token"].Value
	withCookie := func(path, method, body, cookie string) response {
		return e.do(t, request{method: method, path: path, body: body, cookies: map[string]string{"directus_session_token": cookie}})
	}

	e.Clock.Advance(time.Minute)
	r := withCookie("/auth/refresh", http.MethodPost, `{"mode":"session"}`, old)
	if !sessionLogin.MatchString(r.body) {
		t.Fatalf("session refresh body = %s", r.body)
	}
	next := wantCookie(t, r, "directus_session_token", 24*3600).Value
	if next == old {
		t.Fatal("the session token was not rotated")
	}
	// Within the grace both work; after it only the new one.
	e.Clock.Advance(9 * time.Second)
	wantStatus(t, withCookie("/users/me", http.MethodGet, "", old), http.StatusOK)
	e.Clock.Advance(time.Second)
	stale := withCookie("/users/me", http.MethodGet, "", old)
	wantError(t, stale, "INVALID_CREDENTIALS", "")
	wantCleared(t, stale, "directus_session_token")
	wantStatus(t, withCookie("/users/me", http.MethodGet, "", next), http.StatusOK)
	// The stale cookie fails even a login, as in Directus.
	stale = withCookie("/auth/login", http.MethodPost, credentials("ada@example.com", password, "json"), old)
	wantError(t, stale, "INVALID_CREDENTIALS", "")
	wantCleared(t, stale, "directus_session_token")
}

// TestRefreshLocked checks that a locked account's sessions refuse to
// refresh with USER_SUSPENDED, and refresh again once the lock ends.
func TestRefreshLocked(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.settings = func(s *core.Settings) {
			s.Lockout = core.LockoutPolicy{MaxFailures: 2, Window: time.Hour, Duration: 30 * time.Minute}
		}
	})
	e.user(t, "ada@example.com")
	jsonTk, _ := e.login(t, "ada@example.com", "json")
	_, sess := e.login(t, "ada@example.com", "session")
	cookie := sess.cookies["directus_session_token"].Value
	for range 2 {
		e.post(t, "/auth/login", credentials("ada@example.com", "wrong horse", "json"))
	}
	wantError(t, e.refreshJSON(t, jsonTk.RefreshToken), "USER_SUSPENDED", "User suspended.")
	r := e.do(t, request{method: http.MethodPost, path: "/auth/refresh", body: `{"mode":"session"}`, cookies: map[string]string{"directus_session_token": cookie}})
	wantError(t, r, "USER_SUSPENDED", "User suspended.")
	if got := e.me(t, jsonTk.AccessToken)["status"]; got != "suspended" {
		t.Errorf("status while locked = %v, want suspended", got)
	}

	e.Clock.Advance(31 * time.Minute)
	wantStatus(t, e.refreshJSON(t, jsonTk.RefreshToken), http.StatusOK)
}

func TestTokenExpired(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	e.Clock.Advance(15 * time.Minute)
	wantError(t, e.get(t, "/users/me", tk.AccessToken), "TOKEN_EXPIRED", "Token expired.")
	// The refresh token outlives it.
	r := e.refreshJSON(t, tk.RefreshToken)
	var next tokens
	data(t, r, &next)
	wantStatus(t, e.get(t, "/users/me", next.AccessToken), http.StatusOK)
}
