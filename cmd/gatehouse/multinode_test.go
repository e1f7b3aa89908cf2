package main

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/smtptest"
	"github.com/gatehouse/gatehouse/internal/tcpproxy"
)

// multiNodeYAML makes refresh-token theft and key rotation observable
// within a test's patience. security: comes last, so callers may add
// options under it.
const multiNodeYAML = `
keys:
  reload_interval: 1s
security:
  refresh_reuse_grace: 1s
`

// TestMultiNode runs two real server processes on one PostgreSQL
// database: whatever a user relies on must not depend on which node
// answers.
func TestMultiNode(t *testing.T) {
	postgresDSN(t) // skip, or fail, before starting anything
	t.Run("logout and password change reach the other node", testNodesSessions)
	t.Run("lockout spans nodes", testNodesLockout)
	t.Run("rate limits span nodes", testNodesRateLimit)
	t.Run("rate limits span nodes through Redis", testNodesRateLimitRedis)
	t.Run("refresh replay on the other node", testNodesRefreshReplay)
	t.Run("each mail is sent once", testNodesMailOnce)
	t.Run("rotated key is used and published by all", testNodesKeyRotation)
	t.Run("database outage", testNodesOutage)
	t.Run("realtime stream on one node, redirect on the other", testNodesRealtime)
}

// testNodesRealtime: the SDK's OAuth2 popup flow with its three requests
// on different nodes: the stream on A, the subscription and the
// provider's redirect on B. The code reaches the stream on A.
func testNodesRealtime(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t, "", nil)
	rt := openRealtimeOn(t, a)
	b.do(t, "POST", "/api/realtime", map[string]any{"clientId": rt.clientID, "subscriptions": []string{"@oauth2"}}).want(t, 204)
	b.do(t, "POST", "/api/realtime", map[string]any{"clientId": "no-such-client", "subscriptions": []string{"@oauth2"}}).want(t, 404)
	start := time.Now()
	b.do(t, "GET", "/api/oauth2-redirect?code=from-b&state="+url.QueryEscape(rt.clientID), nil).want(t, 200)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "from-b"})
	t.Logf("redirect on B reached the stream on A after %s", time.Since(start))
	// And the other way round, with a second stream on B.
	rt2 := openRealtimeOn(t, b)
	a.do(t, "POST", "/api/realtime", map[string]any{"clientId": rt2.clientID, "subscriptions": []string{"@oauth2"}}).want(t, 204)
	a.do(t, "GET", "/api/oauth2-redirect?code=from-a&state="+url.QueryEscape(rt2.clientID), nil).want(t, 200)
	wantEvent(t, rt2.next(t), map[string]string{"state": rt2.clientID, "code": "from-a"})
}

// twoNodes starts nodes A and B on a fresh database.
func twoNodes(t *testing.T, yaml string, env map[string]string) (a, b *testServer) {
	t.Helper()
	n := startNodes(t, 2, nodeOpts{DB: freshPostgres(t), YAML: multiNodeYAML + yaml, Env: env})
	return n[0], n[1]
}

// refusedWithin polls node until token stops authenticating, failing
// the test if that takes longer than limit.
func refusedWithin(t *testing.T, node *testServer, token string, limit time.Duration) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		r := node.do(t, "POST", "/api/collections/users/auth-refresh", nil, "Authorization", token)
		if r.Status == 401 {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("token still accepted by the other node after %s: %d %s", limit, r.Status, r.Raw)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testNodesSessions(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t, "", nil)
	const email, pw = "nora@example.com", "nora password 1"
	id := a.signUp(t, email, pw)

	// A session made on A is seen, used and ended from B.
	tokA := a.loginToken(t, "users", email, pw)
	b.wantAccepted(t, "A's token on B", tokA)
	list := b.do(t, "GET", "/api/collections/users/sessions", nil, "Authorization", tokA).want(t, 200).items(t)
	if len(list) != 1 {
		t.Fatalf("B lists %d sessions, want the one made on A", len(list))
	}
	a.do(t, "POST", "/api/collections/users/logout", nil, "Authorization", tokA).want(t, 204)
	took := refusedWithin(t, b, tokA, time.Second)
	t.Logf("logout on A refused on B after %s", took)
	b.wantRefused(t, "logged-out token on B", tokA)

	// A password changed on B ends the sessions made on A.
	tok1 := a.loginToken(t, "users", email, pw)
	tok2 := b.loginToken(t, "users", email, pw)
	r := b.do(t, "PATCH", "/api/collections/users/records/"+id, map[string]any{
		"oldPassword": pw, "password": "nora password 2", "passwordConfirm": "nora password 2",
	}, "Authorization", tok2)
	r.want(t, 200)
	refusedWithin(t, a, tok1, time.Second)
	a.wantRefused(t, "A's token after the password changed on B", tok1)
	checkAPIError(t, "old password on A", a.loginAs(t, email, pw), 400, "Failed to authenticate.")
	a.loginAs(t, email, "nora password 2").want(t, 200)
}

func testNodesLockout(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t, "", nil)
	const email, pw = "lars@example.com", "lars password 1"
	a.signUp(t, email, pw)
	nodes := []*testServer{a, b}
	for i := range 5 {
		r := nodes[i%2].loginAs(t, email, "guess "+strconv.Itoa(i))
		checkAPIError(t, "wrong password", r, 400, "Failed to authenticate.")
	}
	for _, n := range nodes {
		checkAPIError(t, "right password while locked", n.loginAs(t, email, pw), 400, "Failed to authenticate.")
	}
	// Another account is untouched.
	b.signUp(t, "mia@example.com", "mia password 1")
	a.loginAs(t, "mia@example.com", "mia password 1").want(t, 200)
}

// rateLimitAcross spends a per-IP login limit of 4 a minute over both
// nodes: the fifth request, wherever it lands, is refused.
func rateLimitAcross(t *testing.T, env map[string]string) {
	a, b := twoNodes(t, "  rate_limits:\n    login:\n      per_ip: 4/1m\n", env)
	awayFromBoundary(time.Minute, 15*time.Second)
	nodes := []*testServer{a, b, a, b}
	for i, n := range nodes {
		if r := n.loginAs(t, "nobody@example.com", "pw "+strconv.Itoa(i)); r.Status == 429 {
			t.Fatalf("request %d refused early: %s", i+1, r.Raw)
		}
	}
	for _, n := range []*testServer{a, b} {
		r := n.loginAs(t, "nobody@example.com", "pw")
		checkAPIError(t, "fifth login", r, 429, "")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("429 without Retry-After")
		}
	}
}

func testNodesRateLimit(t *testing.T) {
	t.Parallel()
	rateLimitAcross(t, nil)
}

func testNodesRateLimitRedis(t *testing.T) {
	t.Parallel()
	rateLimitAcross(t, map[string]string{
		"GATEHOUSE_REDIS_URL":        redisURL(t),
		"GATEHOUSE_REDIS_KEY_PREFIX": "gh-test-" + strconv.FormatInt(time.Now().UnixNano(), 36) + ":",
	})
}

func testNodesRefreshReplay(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t, "", nil)
	const email, pw = "rhea@example.com", "rhea password 1"
	a.signUp(t, email, pw)
	tok1, rt1 := a.loginWithRefresh(t, email, pw)
	const path = "/api/collections/users/auth-with-refresh-token"
	rot := a.do(t, "POST", path, map[string]any{"refreshToken": rt1}).want(t, 200)
	rotatedAt := time.Now()
	tok2, rt2 := rot.str("token"), rot.str("meta.refreshToken")

	time.Sleep(time.Until(rotatedAt.Add(1500 * time.Millisecond)))
	checkAPIError(t, "replay on B", b.do(t, "POST", path, map[string]any{"refreshToken": rt1}), 401, "")
	for _, n := range []*testServer{a, b} {
		n.wantRefused(t, "login token", tok1)
		n.wantRefused(t, "rotated token", tok2)
	}
	checkAPIError(t, "successor on A after the theft", a.do(t, "POST", path, map[string]any{"refreshToken": rt2}), 401, "")
}

func testNodesMailOnce(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	a, b := twoNodes(t, "", map[string]string{"GATEHOUSE_SMTP_URL": smtp.URL()})
	nodes := []*testServer{a, b}
	const n = 12
	for i := range n {
		email := "m" + strconv.Itoa(i) + "@example.com"
		nodes[i%2].signUp(t, email, "mail password 1")
		nodes[(i+1)%2].do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": email}).want(t, 204)
	}
	smtp.WaitFor(t, n, 15*time.Second)
	time.Sleep(1500 * time.Millisecond) // both workers poll several times more
	msgs := smtp.Messages()
	if len(msgs) != n {
		t.Fatalf("%d messages for %d requests", len(msgs), n)
	}
	seen := map[string]int{}
	for _, m := range msgs {
		seen[strings.Join(m.To, ",")]++
	}
	for i := range n {
		if to := "m" + strconv.Itoa(i) + "@example.com"; seen[to] != 1 {
			t.Errorf("%s got %d mails, want 1 (all: %v)", to, seen[to], seen)
		}
	}
}

func testNodesKeyRotation(t *testing.T) {
	t.Parallel()
	a, b := twoNodes(t, "", nil)
	const email, pw = "kai@example.com", "kai password 1"
	a.signUp(t, email, pw)
	before := a.loginToken(t, "users", email, pw)
	oldKid, _ := serverKey(t, a)
	if kid, _ := serverKey(t, b); kid != oldKid {
		t.Fatalf("nodes publish different keys: %s and %s", oldKid, kid)
	}

	out, err := a.cli(t, "keys", "rotate")
	if err != nil {
		t.Fatalf("keys rotate: %v\n%s", err, out)
	}
	start := time.Now()
	var newKid string
	for _, n := range []*testServer{a, b} {
		for {
			kids := jwksKids(t, n)
			if kid := otherKid(kids, oldKid); kid != "" && (newKid == "" || kid == newKid) {
				newKid = kid
				break
			}
			if time.Since(start) > 5*time.Second {
				t.Fatalf("%s still publishes %v 5s after the rotation", n.URL, kids)
			}
			time.Sleep(50 * time.Millisecond)
		}
	}
	t.Logf("both nodes published the new key after %s", time.Since(start))
	for _, n := range []*testServer{a, b} {
		tok := n.loginToken(t, "users", email, pw)
		if kid := splitJWT(t, tok).header["kid"]; kid != newKid {
			t.Errorf("%s signs with %v, want the new key %s", n.URL, kid, newKid)
		}
		a.wantAccepted(t, "new token on A", tok)
		b.wantAccepted(t, "new token on B", tok)
		n.wantAccepted(t, "token signed before the rotation", before)
	}
}

func testNodesOutage(t *testing.T) {
	t.Parallel()
	p, db := proxiedPostgres(t)
	n := startNodes(t, 2, nodeOpts{DB: db, YAML: multiNodeYAML + `
  lockout:
    max_failures: 5
db:
  connect_timeout: 1s
  acquire_timeout: 1s
  statement_timeout: 2s
`})
	a, b := n[0], n[1]
	const pw = "olga password 1"
	for i := range 4 {
		n[i%2].signUp(t, "o"+strconv.Itoa(i)+"@example.com", pw)
	}
	tok := a.loginToken(t, "users", "o0@example.com", pw)

	p.Down()
	for _, node := range []*testServer{a, b} {
		start := time.Now()
		r := node.loginAs(t, "o1@example.com", pw)
		took := time.Since(start)
		checkAPIError(t, "login while the database is down", r, 503, "")
		if r.Header.Get("Retry-After") == "" {
			t.Errorf("503 without Retry-After")
		}
		if took > 5*time.Second {
			t.Errorf("503 took %s: not failing fast", took)
		}
		checkAPIError(t, "sign-up while down", node.do(t, "POST", "/api/collections/users/records", map[string]any{
			"email": "late@example.com", "password": pw, "passwordConfirm": pw,
		}), 503, "")
		r = node.do(t, "POST", "/api/collections/users/auth-refresh", nil, "Authorization", tok)
		checkAPIError(t, "auth-refresh while down", r, 503, "")
	}

	p.Up()
	for _, node := range []*testServer{a, b} {
		deadline := time.Now().Add(15 * time.Second)
		for node.loginAs(t, "o1@example.com", pw).Status != 200 {
			if time.Now().After(deadline) {
				t.Fatalf("%s did not recover within 15s\n%s", node.URL, node.stderr.String())
			}
			time.Sleep(100 * time.Millisecond)
		}
	}
	// Everything acknowledged before the outage is still there.
	for i := range 4 {
		n[(i+1)%2].loginAs(t, "o"+strconv.Itoa(i)+"@example.com", pw).want(t, 200)
	}
	b.wantAccepted(t, "session from before the outage", tok)
}

// otherKid returns the one kid besides old when kids holds exactly old
// and one more, else "".
func otherKid(kids []string, old string) string {
	if len(kids) != 2 || (kids[0] != old && kids[1] != old) {
		return ""
	}
	if kids[0] == old {
		return kids[1]
	}
	return kids[0]
}

// jwksKids returns the key ids a node publishes.
func jwksKids(t testing.TB, ts *testServer) []string {
	t.Helper()
	r := ts.do(t, "GET", "/.well-known/jwks.json", nil).want(t, 200)
	keys, _ := r.JSON["keys"].([]any)
	var kids []string
	for _, k := range keys {
		m, _ := k.(map[string]any)
		kid, _ := m["kid"].(string)
		kids = append(kids, kid)
	}
	return kids
}

// proxiedPostgres gives a fresh schema reached through a proxy the test
// can cut, standing in for the database server going away.
func proxiedPostgres(t *testing.T) (*tcpproxy.Proxy, string) {
	t.Helper()
	db := freshPostgres(t)
	u, err := url.Parse(db)
	if err != nil {
		t.Fatal(err)
	}
	p, err := tcpproxy.Start(u.Host)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	u.Host = p.Addr()
	return p, u.String()
}
