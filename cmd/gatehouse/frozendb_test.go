package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// rawAnswer is an answer fetched from a goroutine, where the harness's
// do (which may call t.Fatal) must not run.
type rawAnswer struct {
	what       string
	status     int
	retryAfter string
	body       string
	took       time.Duration
	err        error
}

// fetch sends one JSON request with a plain client and times it.
func (ts *testServer) fetch(what, method, path string, body any, headers ...string) rawAnswer {
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		return rawAnswer{what: what, err: err}
	}
	req.Header.Set("Content-Type", "application/json")
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	client := &http.Client{Timeout: time.Minute}
	res, err := client.Do(req)
	if err != nil {
		return rawAnswer{what: what, err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	return rawAnswer{what: what, status: res.StatusCode, retryAfter: res.Header.Get("Retry-After"),
		body: string(raw), took: time.Since(start), err: err}
}

// frozenYAML gives the server a small pool and a short query timeout, so
// the test's bound is short; the proportions are the defaults'.
const frozenYAML = directusFastYAML + `db:
  max_conns: 4
  query_timeout: 2s
  statement_timeout: 1500ms
  lock_timeout: 1s
  acquire_timeout: 1s
  connect_timeout: 2s
`

// frozenBound is how long a request may take to get its 503 from a frozen
// database: the query timeout, and some slack for a loaded machine.
const frozenBound = 2*time.Second + time.Second

// With PostgreSQL frozen (connections open, nothing answered), requests
// that land on open pooled connections, and those that need new ones,
// answer 503 with Retry-After within db.query_timeout, in each surface's
// format; once the database answers again the same server serves again.
func TestFrozenDatabase(t *testing.T) {
	t.Parallel()
	proxy, dsn := proxiedPostgres(t)
	ts := startServerWith(t, frozenYAML, serverOpts{DB: dsn})
	alice := ts.newAttackUser(t, "alice@example.com", "alice password 1")

	// Open every connection of the pool: logins at once.
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if a := ts.fetch("warm-up login", "POST", "/api/collections/users/auth-with-password",
				map[string]any{"identity": alice.Email, "password": alice.Password}); a.status != 200 {
				t.Errorf("warm-up login = %d %v %s", a.status, a.err, a.body)
			}
		})
	}
	wg.Wait()

	proxy.Freeze()
	requests := []func(i int) rawAnswer{
		func(i int) rawAnswer {
			return ts.fetch("PocketBase login", "POST", "/api/collections/users/auth-with-password",
				map[string]any{"identity": alice.Email, "password": alice.Password})
		},
		func(i int) rawAnswer {
			return ts.fetch("PocketBase sign-up", "POST", "/api/collections/users/records", map[string]any{
				"email": "frozen" + strconv.Itoa(i) + "@example.com", "password": "a long password", "passwordConfirm": "a long password"})
		},
		func(i int) rawAnswer {
			return ts.fetch("PocketBase token refresh", "POST", "/api/collections/users/auth-refresh", nil, "Authorization", alice.Token)
		},
		func(i int) rawAnswer {
			return ts.fetch("Directus login", "POST", "/directus/auth/login", map[string]any{"email": alice.Email, "password": alice.Password})
		},
		func(i int) rawAnswer { return ts.fetch("health", "GET", "/api/health", nil) },
		func(i int) rawAnswer { return ts.fetch("readiness", "GET", "/readyz", nil) },
	}
	var mu sync.Mutex
	var answers []rawAnswer
	for round := range 2 { // the second round meets the connections the first one gave up
		for i := range 2 * len(requests) {
			wg.Go(func() {
				a := requests[i%len(requests)](round*100 + i)
				mu.Lock()
				answers = append(answers, a)
				mu.Unlock()
			})
		}
		wg.Wait()
	}
	var slowest time.Duration
	for _, a := range answers {
		slowest = max(slowest, a.took)
		switch {
		case a.err != nil:
			t.Errorf("%s on a frozen database: %v after %v", a.what, a.err, a.took)
		case a.status != 503 || a.retryAfter == "":
			t.Errorf("%s on a frozen database = %d (Retry-After %q) after %v, want 503 with Retry-After; body %.300s",
				a.what, a.status, a.retryAfter, a.took, a.body)
		case a.took > frozenBound:
			t.Errorf("%s on a frozen database took %v, want at most %v", a.what, a.took, frozenBound)
		}
		if strings.HasPrefix(a.what, "Directus") && !strings.Contains(a.body, `"SERVICE_UNAVAILABLE"`) ||
			strings.HasPrefix(a.what, "PocketBase") && !strings.HasPrefix(a.body, `{"data":{},"message":`) {
			t.Errorf("%s: not the surface's error format: %.300s", a.what, a.body)
		}
	}
	t.Logf("%d requests on a frozen database, the slowest answered 503 after %v", len(answers), slowest)

	proxy.Thaw()
	ts.waitReady(t, 20*time.Second)
	ts.loginAs(t, alice.Email, alice.Password).want(t, 200)
	ts.directusLogin(t, "/directus", alice.Email, alice.Password)
	ts.newAttackUser(t, "after@example.com", "after password 1")

	// Each condition was logged once when it started and once when it
	// ended, whatever the number of refused requests.
	started := 0
	for _, c := range core.AllConditions() {
		switch n := ts.logCount(`msg="store unavailable: ` + c.Describe() + `"`); {
		case n > 1:
			t.Errorf("%q logged %d times, want once", c.Describe(), n)
		case n == 1:
			started++
		}
	}
	// Calls on open connections time out; those queued behind them, or
	// whose idle connection fails its ping, find no free connection.
	if ts.logCount(`msg="store unavailable: database not answering in time"`)+
		ts.logCount(`msg="store unavailable: database busy"`) == 0 {
		t.Errorf("the log says neither that the database is not answering nor that it is busy")
	}
	if n := ts.logCount(`msg="store available again"`); n != started {
		t.Errorf("%d conditions started, %d ended; want each to end once", started, n)
	}
}
