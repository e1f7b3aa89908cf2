package main

import (
	"bufio"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// startServerWith is startServer with extraYAML appended to testConfig
// (top-level sections testConfig lacks, such as security:), for options
// that have no environment variable. Stop and the log work as usual.
// With GATEHOUSE_TEST_BACKEND=postgres every server gets a fresh
// PostgreSQL schema instead of SQLite.
func startServerWith(t testing.TB, extraYAML string, opts serverOpts) *testServer {
	t.Helper()
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "data")
	}
	db := opts.DB
	if db == "" && backendPostgres() && !opts.SQLite {
		db = freshPostgres(t)
	}
	cfgPath := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(cfgPath, []byte(testConfig+extraYAML), 0o600); err != nil {
		t.Fatal(err)
	}
	getenv := func(k string) string { return opts.Env[k] }
	ctx, cancel := context.WithCancel(context.Background())
	outR, outW := io.Pipe()
	ts := &testServer{Dir: dir, DB: db, cancel: cancel, done: make(chan error, 1), stderr: &syncBuffer{}}
	go func() {
		args := []string{"gatehouse", "serve", "--http", "127.0.0.1:0", "--dir", dir, "--config", cfgPath}
		if db != "" {
			args = append(args, "--db", db)
		}
		err := run(ctx, args, getenv, strings.NewReader(""), outW, ts.stderr)
		outW.CloseWithError(io.EOF)
		ts.done <- err
	}()
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(outR)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Gatehouse listening on "); ok {
				urlCh <- u
			}
		}
		close(urlCh)
	}()
	select {
	case u, ok := <-urlCh:
		if !ok {
			t.Fatalf("server exited before listening: %v\n%s", <-ts.done, ts.stderr.String())
		}
		ts.URL = u
	case <-time.After(30 * time.Second):
		cancel()
		t.Fatalf("server did not start in time\n%s", ts.stderr.String())
	}
	t.Cleanup(func() { ts.Stop(t); ts.logIfFailed(t) })
	return ts
}

// loginAs logs a user in with a password, sending the given headers
// (name, value pairs), and returns the raw answer.
func (ts *testServer) loginAs(t testing.TB, email, password string, headers ...string) response {
	t.Helper()
	return ts.do(t, "POST", "/api/collections/users/auth-with-password", map[string]any{
		"identity": email, "password": password,
	}, headers...)
}

// loginWithRefresh logs a user in asking for a refresh token too, and
// returns the access and refresh tokens.
func (ts *testServer) loginWithRefresh(t testing.TB, email, password string) (token, refresh string) {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/auth-with-password?withRefreshToken=true", map[string]any{
		"identity": email, "password": password,
	}).want(t, 200)
	token, refresh = r.str("token"), r.str("meta.refreshToken")
	if token == "" || refresh == "" {
		t.Fatalf("login with withRefreshToken=true lacks token or meta.refreshToken: %s", r.Raw)
	}
	return token, refresh
}

// items returns the items of a PocketBase-style list answer.
func (r response) items(t testing.TB) []map[string]any {
	t.Helper()
	raw, ok := r.JSON["items"].([]any)
	if !ok {
		t.Fatalf("answer is not a list: %.300s", r.Raw)
	}
	out := make([]map[string]any, 0, len(raw))
	for _, it := range raw {
		m, ok := it.(map[string]any)
		if !ok {
			t.Fatalf("list item is not an object: %.300s", r.Raw)
		}
		out = append(out, m)
	}
	return out
}

// auditTypes returns the types of the audit events about user (as
// target), newest first, read as a superuser through GET /api/audit.
func (ts *testServer) auditTypes(t testing.TB, suToken, user string) []string {
	t.Helper()
	r := ts.do(t, "GET", "/api/audit?perPage=200&user="+user, nil, "Authorization", suToken).want(t, 200)
	var out []string
	for _, e := range r.items(t) {
		if e["targetId"] != user && e["actorId"] != user {
			t.Errorf("audit ?user=%s returned an event about someone else: %v", user, e)
		}
		s, _ := e["type"].(string)
		out = append(out, s)
	}
	return out
}

// wantAudit fails unless the user's audit trail holds every one of types.
func (ts *testServer) wantAudit(t testing.TB, suToken, user string, types ...string) {
	t.Helper()
	got := ts.auditTypes(t, suToken, user)
	for _, want := range types {
		found := false
		for _, g := range got {
			found = found || g == want
		}
		if !found {
			t.Errorf("audit for %s lacks %q; has %v", user, want, got)
		}
	}
}

// wantRefused fails unless token no longer authenticates: auth-refresh
// answers 401 and the records list treats the caller as a guest (an
// empty list), as PocketBase does with a bad token.
func (ts *testServer) wantRefused(t testing.TB, what, token string) {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/auth-refresh", nil, "Authorization", token)
	checkAPIError(t, what+": auth-refresh", r, 401, "")
	r = ts.do(t, "GET", "/api/collections/users/records", nil, "Authorization", token)
	if r.Status != 200 || len(r.items(t)) != 0 {
		t.Errorf("%s: GET records = %d %.300s, want 200 with no items (a guest)", what, r.Status, r.Raw)
	}
}

// wantAccepted fails unless token still authenticates.
func (ts *testServer) wantAccepted(t testing.TB, what, token string) {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/auth-refresh", nil, "Authorization", token)
	if r.Status != 200 {
		t.Errorf("%s: auth-refresh = %d %.300s, want 200", what, r.Status, r.Raw)
	}
}

// awayFromBoundary waits, if needed, until the current fixed window of
// length window (aligned to the clock, as the server's rate-limit
// windows are) has at least need left, so a burst of requests falls in
// one window. It returns at once unless the boundary is near.
func awayFromBoundary(window, need time.Duration) {
	left := window - time.Duration(time.Now().UnixNano())%window
	if left < need {
		time.Sleep(left + 50*time.Millisecond)
	}
}

// atWindowStart waits until just after the current fixed window of
// length window ends, so the next requests see the longest possible
// remainder of their window.
func atWindowStart(window time.Duration) {
	left := window - time.Duration(time.Now().UnixNano())%window
	time.Sleep(left + 20*time.Millisecond)
}

// retryAfter parses the Retry-After header (delay-seconds).
func retryAfter(t testing.TB, r response) time.Duration {
	t.Helper()
	v := r.Header.Get("Retry-After")
	d, err := time.ParseDuration(strings.TrimSpace(v) + "s")
	if v == "" || err != nil || d <= 0 {
		t.Fatalf("Retry-After = %q, want a positive number of seconds", v)
	}
	return d
}
