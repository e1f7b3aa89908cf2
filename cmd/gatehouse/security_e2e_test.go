package main

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
)

// TestSecurityE2E drives the issue-3 protections over HTTP against the
// real server, each scenario on its own server: what an attacker or an
// operator would see, not what the core tests already prove in-process.
func TestSecurityE2E(t *testing.T) {
	t.Parallel()
	t.Run("stolen refresh token revokes the session", testStolenRefreshToken)
	t.Run("logout-others kills the other device at once", testLogoutOthers)
	t.Run("brute force locks, superuser unlocks", testBruteForceLockout)
	t.Run("login rate limit and recovery", testLoginRateLimit)
	t.Run("client IP from trusted proxies only", testTrustedProxy)
	t.Run("metrics", testMetrics)
	t.Run("password reset revokes sessions and unlocks", testResetRevokesAndUnlocks)
}

// testStolenRefreshToken replays a rotated refresh token after the grace
// window, as a thief holding a copy would: the whole session dies.
func testStolenRefreshToken(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "security:\n  refresh_reuse_grace: 1s\n", serverOpts{})
	_, su := ts.superuser(t)
	const email, pw = "sam@example.com", "sam password 1"
	id := ts.signUp(t, email, pw)
	other := ts.loginToken(t, "users", email, pw) // another, innocent session

	tok1, rt1 := ts.loginWithRefresh(t, email, pw)
	const path = "/api/collections/users/auth-with-refresh-token"
	rot := ts.do(t, "POST", path, map[string]any{"refreshToken": rt1}).want(t, 200)
	rotatedAt := time.Now()
	tok2, rt2 := rot.str("token"), rot.str("meta.refreshToken")
	if tok2 == "" || rt2 == "" || rt2 == rt1 {
		t.Fatalf("rotation did not return a new refresh token: %s", rot.Raw)
	}
	if rot.str("record.id") != id {
		t.Fatalf("rotation answered for record %q, want %q", rot.str("record.id"), id)
	}

	// Past the grace window a replay of the old token is theft.
	time.Sleep(time.Until(rotatedAt.Add(1500 * time.Millisecond)))
	r := ts.do(t, "POST", path, map[string]any{"refreshToken": rt1})
	checkAPIError(t, "replayed refresh token", r, 401, "")

	ts.wantRefused(t, "login access token", tok1)
	ts.wantRefused(t, "rotated access token", tok2)
	r = ts.do(t, "POST", path, map[string]any{"refreshToken": rt2})
	checkAPIError(t, "the legitimate successor after the theft", r, 401, "")
	ts.wantAccepted(t, "the user's other session", other)
	ts.wantAudit(t, su, id, "refresh.reuse_detected")
}

// testLogoutOthers signs in on two devices and ends the other one from
// the first: the second device's token fails on its very next request.
func testLogoutOthers(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	const email, pw = "dana@example.com", "dana password 1"
	ts.signUp(t, email, pw)
	a := ts.loginAs(t, email, pw, "User-Agent", "DeviceA/1.0").want(t, 200).str("token")
	b := ts.loginAs(t, email, pw, "User-Agent", "DeviceB/2.0").want(t, 200).str("token")
	ts.wantAccepted(t, "device B before", b)

	r := ts.do(t, "POST", "/api/collections/users/logout-others", nil, "Authorization", a)
	if r.Status != 204 || r.Raw != "" {
		t.Fatalf("logout-others = %d %q, want 204 and no body", r.Status, r.Raw)
	}
	ts.wantRefused(t, "device B after logout-others", b)
	ts.wantAccepted(t, "device A", a)

	r = ts.do(t, "GET", "/api/collections/users/sessions", nil, "Authorization", a).want(t, 200)
	list := r.items(t)
	if len(list) != 1 {
		t.Fatalf("sessions after logout-others: %d, want 1: %s", len(list), r.Raw)
	}
	s := list[0]
	if s["current"] != true || s["userAgent"] != "DeviceA/1.0" || s["ip"] != "127.0.0.1" || s["impersonated"] != false {
		t.Errorf("remaining session = %v, want device A's, current, from 127.0.0.1", s)
	}
	if r.JSON["totalItems"] != 1.0 {
		t.Errorf("totalItems = %v, want 1", r.JSON["totalItems"])
	}
}

// testBruteForceLockout locks an account with the default policy (5
// failures in 10 minutes) and checks the lock is invisible from outside.
func testBruteForceLockout(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	_, su := ts.superuser(t)
	const email, pw = "bob@example.com", "bob password 1"
	id := ts.signUp(t, email, pw)
	other := ts.newAttackUser(t, "eve@example.com", "eve password 1")

	var wrong response
	for i := range 5 {
		wrong = ts.loginAs(t, email, "guess "+strconv.Itoa(i))
		checkAPIError(t, "wrong password", wrong, 400, "Failed to authenticate.")
	}
	locked := ts.loginAs(t, email, pw)
	checkAPIError(t, "right password while locked", locked, 400, "Failed to authenticate.")
	if locked.Raw != wrong.Raw {
		t.Errorf("locked answer differs from a wrong password:\n locked %q\n wrong  %q", locked.Raw, wrong.Raw)
	}
	for _, h := range []string{"Retry-After", "Content-Type", "Content-Length"} {
		if locked.Header.Get(h) != wrong.Header.Get(h) {
			t.Errorf("header %s: locked %q, wrong password %q", h, locked.Header.Get(h), wrong.Header.Get(h))
		}
	}
	if ra := locked.Header.Get("Retry-After"); ra != "" {
		t.Errorf("locked answer has Retry-After %q: it reveals the lock", ra)
	}

	unlock := "/api/collections/users/records/" + id + "/unlock"
	checkAPIError(t, "guest unlock", ts.do(t, "POST", unlock, nil), 401, "")
	checkAPIError(t, "user unlock", ts.do(t, "POST", unlock, nil, "Authorization", other.Token), 403, "")
	checkAPIError(t, "still locked after refused unlocks", ts.loginAs(t, email, pw), 400, "Failed to authenticate.")

	r := ts.do(t, "POST", unlock, nil, "Authorization", su)
	if r.Status != 204 {
		t.Fatalf("superuser unlock = %d %s, want 204", r.Status, r.Raw)
	}
	ts.loginAs(t, email, pw).want(t, 200)
	ts.wantAudit(t, su, id, "account.locked", "account.unlocked", "login.failure", "login.success")
}

// testLoginRateLimit exhausts a small per-IP login limit, then honours
// Retry-After and logs in again.
func testLoginRateLimit(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "security:\n  rate_limits:\n    login:\n      per_ip: 3/2s\n", serverOpts{})
	const email, pw = "rita@example.com", "rita password 1"
	ts.signUp(t, email, pw)

	// Windows are fixed; starting right after one begins leaves the
	// longest remainder, the case where a Retry-After rounded down would
	// send the client back too early.
	atWindowStart(2 * time.Second)
	for range 3 {
		ts.loginAs(t, email, pw).want(t, 200)
	}
	r := ts.loginAs(t, email, pw)
	got := time.Now()
	checkAPIError(t, "4th login in the window", r, 429, "Too Many Requests.")
	if r.Raw != `{"data":{},"message":"Too Many Requests.","status":429}`+"\n" {
		t.Errorf("429 body = %q, want PocketBase's", r.Raw)
	}
	wait := retryAfter(t, r)
	if wait > 2*time.Second {
		t.Errorf("Retry-After = %v, longer than the 2s window", wait)
	}
	time.Sleep(time.Until(got.Add(wait + 50*time.Millisecond)))
	r = ts.loginAs(t, email, pw)
	if r.Status != 200 {
		t.Fatalf("login %v after a 429 with Retry-After %v = %d %s, want 200 (recovered)",
			time.Since(got).Round(time.Millisecond), wait, r.Status, r.Raw)
	}
}

// testTrustedProxy shows X-Forwarded-For deciding the client IP (for
// limits and the session list) only when the peer is a trusted proxy.
func testTrustedProxy(t *testing.T) {
	t.Parallel()
	// An hour-long window keeps the burst inside one window.
	const limits = "security:\n  rate_limits:\n    login:\n      per_ip: 2/1h\n"
	const email, pw = "pat@example.com", "pat password 1"
	xff := func(ip string) []string { return []string{"X-Forwarded-For", ip} }
	awayFromBoundary(time.Hour, 10*time.Second)

	t.Run("trusted", func(t *testing.T) {
		t.Parallel()
		ts := startServerWith(t, limits, serverOpts{Env: map[string]string{"GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1"}})
		ts.signUp(t, email, pw)
		for range 2 {
			ts.loginAs(t, email, pw, xff("203.0.113.1")...).want(t, 200)
		}
		checkAPIError(t, "3rd login from 203.0.113.1", ts.loginAs(t, email, pw, xff("203.0.113.1")...), 429, "")
		tok := ts.loginAs(t, email, pw, xff("203.0.113.2")...).want(t, 200).str("token")
		ts.loginAs(t, email, pw).want(t, 200) // the proxy's own budget is untouched

		r := ts.do(t, "GET", "/api/collections/users/sessions", nil, "Authorization", tok).want(t, 200)
		var ips []string
		for _, s := range r.items(t) {
			ip, _ := s["ip"].(string)
			if s["current"] == true && ip != "203.0.113.2" {
				t.Errorf("current session ip = %q, want the forwarded 203.0.113.2", ip)
			}
			ips = append(ips, ip)
		}
		if want := []string{"127.0.0.1", "203.0.113.1", "203.0.113.1", "203.0.113.2"}; !sameSet(ips, want) {
			t.Errorf("session ips = %v, want %v in any order", ips, want)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		t.Parallel()
		ts := startServerWith(t, limits, serverOpts{})
		ts.signUp(t, email, pw)
		tok := ts.loginAs(t, email, pw, xff("203.0.113.1")...).want(t, 200).str("token")
		ts.loginAs(t, email, pw, "X-Real-Ip", "203.0.113.9").want(t, 200)
		checkAPIError(t, "spoofed 203.0.113.2 shares 127.0.0.1's budget",
			ts.loginAs(t, email, pw, xff("203.0.113.2")...), 429, "")
		r := ts.do(t, "GET", "/api/collections/users/sessions", nil, "Authorization", tok).want(t, 200)
		for _, s := range r.items(t) {
			if s["ip"] != "127.0.0.1" {
				t.Errorf("session ip = %v, want the socket peer 127.0.0.1 (headers are not trusted)", s["ip"])
			}
		}
	})
}

// sameSet reports whether a and b hold the same strings, counting
// repeats, in any order.
func sameSet(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	n := map[string]int{}
	for _, s := range a {
		n[s]++
	}
	for _, s := range b {
		n[s]--
	}
	for _, v := range n {
		if v != 0 {
			return false
		}
	}
	return true
}

// testMetrics reads /metrics after one good and one bad login, and checks
// that turning metrics off removes the endpoint.
func testMetrics(t *testing.T) {
	t.Parallel()
	t.Run("on by default", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, serverOpts{})
		const email, pw = "mia@example.com", "mia password 1"
		ts.signUp(t, email, pw)
		ts.loginAs(t, email, pw).want(t, 200)
		ts.loginAs(t, email, "not the password").want(t, 400)

		r := ts.do(t, "GET", "/metrics", nil).want(t, 200)
		if !strings.HasPrefix(r.Header.Get("Content-Type"), "text/plain") {
			t.Errorf("Content-Type = %q, want the Prometheus text format", r.Header.Get("Content-Type"))
		}
		if !hasLine(r.Raw, `gatehouse_logins_total{result="success"} 1`) {
			t.Errorf("want exactly one successful login counted:\n%s", grepLines(r.Raw, "gatehouse_logins_total"))
		}
		if n := metricValue(t, r.Raw, `gatehouse_logins_total{result="failure"}`); n < 1 {
			t.Errorf("failed logins = %v, want at least 1", n)
		}
		route := `route="POST /api/collections/{collection}/auth-with-password"`
		for _, code := range []string{"200", "400"} {
			series := `gatehouse_http_request_duration_seconds_count{code="` + code + `",method="POST",` + route + `}`
			if n := metricValue(t, r.Raw, series); n != 1 {
				t.Errorf("%s = %v, want 1", series, n)
			}
		}
		if metricValue(t, r.Raw, "gatehouse_hashing_queue_depth") < 0 {
			t.Error("negative hashing queue depth")
		}
		if strings.Contains(r.Raw, `route="POST /api/collections/users`) {
			t.Errorf("a route label carries a raw path:\n%s", grepLines(r.Raw, "/api/collections/users"))
		}
	})
	t.Run("off", func(t *testing.T) {
		t.Parallel()
		ts := startServer(t, serverOpts{Env: map[string]string{"GATEHOUSE_METRICS": "off"}})
		r := ts.do(t, "GET", "/metrics", nil)
		checkAPIError(t, "GET /metrics with metrics off", r, 404, "")
		if strings.Contains(r.Raw, "gatehouse_") {
			t.Errorf("metrics served while off: %.300s", r.Raw)
		}
	})
}

// hasLine reports whether text has line as one of its lines.
func hasLine(text, line string) bool {
	for _, l := range strings.Split(text, "\n") {
		if l == line {
			return true
		}
	}
	return false
}

// grepLines returns the lines of text containing s, for messages.
func grepLines(text, s string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, s) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// metricValue returns the value of one series (name and labels exactly as
// exposed), failing if it is missing.
func metricValue(t testing.TB, text, series string) float64 {
	t.Helper()
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		name, _, _ := strings.Cut(series, "{")
		t.Fatalf("series %s missing; have:\n%s", series, grepLines(text, name))
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		t.Fatalf("series %s: value %q: %v", series, m[1], err)
	}
	return v
}

// testResetRevokesAndUnlocks locks an account, then resets its password
// through the mailed link: every old session and refresh token dies, and
// the new password works at once.
func testResetRevokesAndUnlocks(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	_, su := ts.superuser(t)
	const email, pw, newPW = "lena@example.com", "lena password 1", "lena password 2"
	id := ts.signUp(t, email, pw)
	tok, rt := ts.loginWithRefresh(t, email, pw)
	for range 5 {
		ts.loginAs(t, email, "wrong").want(t, 400)
	}
	ts.loginAs(t, email, pw).want(t, 400) // locked

	ts.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": email}).want(t, 204)
	reset := ts.waitMail(t, email, "confirm-password-reset")
	ts.do(t, "POST", "/api/collections/users/confirm-password-reset", map[string]any{
		"token": reset, "password": newPW, "passwordConfirm": newPW,
	}).want(t, 204)

	ts.wantRefused(t, "token from before the reset", tok)
	r := ts.do(t, "POST", "/api/collections/users/auth-with-refresh-token", map[string]any{"refreshToken": rt})
	checkAPIError(t, "refresh token from before the reset", r, 401, "")
	ts.loginAs(t, email, pw).want(t, 400)
	ts.loginAs(t, email, newPW).want(t, 200)
	ts.wantAudit(t, su, id, "account.locked", "password.reset")
}
