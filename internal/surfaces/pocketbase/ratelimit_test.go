package pocketbase_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// window is the rate-limit window the tests use.
const window = time.Minute

func newLimitEnv(t testing.TB, limits core.RateLimits) *env {
	t.Helper()
	return newSecEnv(t, func(s *core.Settings) { s.RateLimits = limits })
}

// wantLimited asserts PocketBase's 429 with a Retry-After of whole
// seconds within the window.
func wantLimited(t testing.TB, what string, r response) {
	t.Helper()
	if r.status != http.StatusTooManyRequests || r.body != tooMany {
		t.Errorf("%s: got %d %q, want 429 %q", what, r.status, r.body, tooMany)
	}
	v := r.header.Values("Retry-After")
	if len(v) != 1 {
		t.Errorf("%s: Retry-After = %v, want one value", what, v)
		return
	}
	n, err := strconv.Atoi(v[0])
	if err != nil || n < 1 || n > int(window/time.Second) {
		t.Errorf("%s: Retry-After %q, want an integer in [1, %d]", what, v[0], int(window/time.Second))
	}
}

// startOfWindow moves the clock to the start of the next window, so a
// test's requests cannot straddle two windows.
func (e *env) startOfWindow() {
	now := e.clock.Now()
	e.clock.Advance(now.Truncate(window).Add(window).Sub(now))
}

func TestLoginLimitPerIdentity(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, core.RateLimits{core.ActionLogin: {PerIdentity: core.Limit{Max: 2, Window: window}}})
	e.signUp(t, "alice@example.com", "password123")
	e.signUp(t, "bob@example.com", "password123")
	e.startOfWindow()

	// Failures and successes both count.
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "wrong-password")), 400, msgFailedAuth, `{}`)
	e.login(t, "users", "alice@example.com", "password123")
	e.clock.Advance(10 * time.Second)
	r := e.post(t, loginPath, "", loginBody("alice@example.com", "password123"))
	wantLimited(t, "third login", r)
	if got := r.header.Get("Retry-After"); got != "50" {
		t.Errorf("Retry-After = %s, want 50 (the rest of the window)", got)
	}
	// Unknown identities are limited alike (the answer tells nothing).
	for range 2 {
		wantError(t, e.post(t, loginPath, "", loginBody("nobody@example.com", "password123")), 400, msgFailedAuth, `{}`)
	}
	wantLimited(t, "unknown identity", e.post(t, loginPath, "", loginBody("nobody@example.com", "password123")))
	// Another identity has its own count.
	e.login(t, "users", "bob@example.com", "password123")

	// The next window starts afresh.
	e.clock.Advance(window)
	e.login(t, "users", "alice@example.com", "password123")
}

func TestLoginLimitPerIP(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, core.RateLimits{core.ActionLogin: {PerIP: core.Limit{Max: 3, Window: window}}})
	for _, u := range []string{"a", "b", "c", "d"} {
		e.signUp(t, u+"@example.com", "password123")
	}
	e.startOfWindow()
	// Every request comes from 127.0.0.1: three logins of three users use
	// up the address's allowance, whoever logs in next.
	for _, u := range []string{"a", "b", "c"} {
		e.login(t, "users", u+"@example.com", "password123")
	}
	wantLimited(t, "fourth login from the address", e.post(t, loginPath, "", loginBody("d@example.com", "password123")))
	wantLimited(t, "superuser login from the address", e.post(t, supersPath+"/auth-with-password", "", loginBody(rootEmail, rootPassword)))
	// A client cannot escape by claiming another address: ClientIP
	// trusts no proxy here.
	r := e.do(t, request{method: http.MethodPost, path: loginPath, body: loginBody("d@example.com", "password123"),
		header: map[string]string{"X-Forwarded-For": "203.0.113.9", "X-Real-Ip": "203.0.113.9"}})
	wantLimited(t, "login with a forged X-Forwarded-For", r)

	e.clock.Advance(window)
	e.login(t, "users", "d@example.com", "password123")
}

func TestLimitIgnoresInvalidRequests(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, core.RateLimits{core.ActionLogin: {
		PerIP:       core.Limit{Max: 2, Window: window},
		PerIdentity: core.Limit{Max: 2, Window: window},
	}})
	e.signUp(t, "alice@example.com", "password123")
	e.startOfWindow()
	long := strings.Repeat("a", 256) + "@example.com"
	invalid := []request{
		{method: "POST", path: loginPath, body: `{"identity":"alice@example.com"`},
		{method: "POST", path: loginPath, body: `["alice@example.com"]`},
		{method: "POST", path: loginPath, body: `{"identity":"alice@example.com"}`},
		{method: "POST", path: loginPath, body: `{"identity":"alice@example.com","password":""}`},
		{method: "POST", path: loginPath, body: `{"identity":"","password":"password123"}`},
		{method: "POST", path: loginPath, body: `{"identity":` + jsonString(long) + `,"password":"password123"}`},
		{method: "POST", path: loginPath, body: `{"identity":"alice@example.com","password":"password123","identityField":"name"}`},
		{method: "POST", path: loginPath, body: `{"identity":"alice@example.com","password":123}`},
		{method: "POST", path: loginPath, ctype: "text/plain", body: "identity=alice@example.com"},
		{method: "POST", path: "/api/collections/nope/auth-with-password", body: loginBody("alice@example.com", "password123")},
	}
	for _, req := range invalid {
		r := e.do(t, req)
		if r.status != 400 && r.status != 404 {
			t.Errorf("%s %s: got %d %s, want 400 or 404", req.method, req.body, r.status, r.body)
		}
	}
	// None of the ten counted.
	e.login(t, "users", "alice@example.com", "password123")
	e.login(t, "users", "alice@example.com", "password123")
	wantLimited(t, "third valid login", e.post(t, loginPath, "", loginBody("alice@example.com", "password123")))
}

func TestRefreshLimits(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, core.RateLimits{core.ActionRefresh: {PerIdentity: core.Limit{Max: 1, Window: window}}})
	e.signUp(t, "alice@example.com", "password123")
	e.startOfWindow()
	access, rt := e.loginRT(t, "alice@example.com", "password123")
	other, _ := e.loginRT(t, "alice@example.com", "password123")

	// auth-refresh counts per session.
	wantStatus(t, e.post(t, refreshPath, access, ""), 200)
	wantLimited(t, "second auth-refresh", e.post(t, refreshPath, access, ""))
	wantStatus(t, e.post(t, refreshPath, other, ""), 200)

	// auth-with-refresh-token counts per token.
	ab := checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`))
	wantLimited(t, "second exchange of one token", e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`))
	checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(ab.Meta.RefreshToken)+`}`))

	e.clock.Advance(window)
	wantStatus(t, e.post(t, refreshPath, access, ""), 200)
}

func TestSignUpLimitPerIP(t *testing.T) {
	t.Parallel()
	e := newLimitEnv(t, core.RateLimits{core.ActionSignUp: {PerIP: core.Limit{Max: 1, Window: window}}})
	e.startOfWindow()
	e.signUp(t, "alice@example.com", "password123")
	r := e.post(t, usersRecords, "", `{"email":"bob@example.com","password":"password123","passwordConfirm":"password123"}`)
	wantLimited(t, "second sign-up", r)
	e.clock.Advance(window)
	e.signUp(t, "bob@example.com", "password123")
}
