package main

import (
	"strconv"
	"strings"
	"testing"
	"time"
)

// Helpers of the store-fault tests (full disk, frozen database).

// want503 fails unless r is a 503 with a whole-second Retry-After of at
// least one, and returns the Retry-After.
func want503(t testing.TB, what string, r response) int {
	t.Helper()
	if r.Status != 503 {
		t.Errorf("%s: status = %d, want 503; body %.300s", what, r.Status, r.Raw)
		return 0
	}
	n, err := strconv.Atoi(r.Header.Get("Retry-After"))
	if err != nil || n < 1 {
		t.Errorf("%s: Retry-After = %q, want whole seconds", what, r.Header.Get("Retry-After"))
	}
	return n
}

// wantPocketBase503 fails unless r is PocketBase's 503 error with
// Retry-After, worded for code's condition when msg is given.
func wantPocketBase503(t testing.TB, what string, r response, msg string) {
	t.Helper()
	want503(t, what, r)
	checkAPIError(t, what, r, 503, msg)
}

// wantDirectus503 fails unless r is Directus's SERVICE_UNAVAILABLE error
// for the database, with Retry-After.
func wantDirectus503(t testing.TB, what string, r response) {
	t.Helper()
	want503(t, what, r)
	checkDirectusError(t, what, r, 503, "SERVICE_UNAVAILABLE")
	errs, _ := r.JSON["errors"].([]any)
	if len(errs) > 0 {
		ext, _ := errs[0].(map[string]any)["extensions"].(map[string]any)
		if ext["service"] != "database" {
			t.Errorf("%s: extensions.service = %v, want database; body %.300s", what, ext["service"], r.Raw)
		}
	}
}

// waitReady polls GET /readyz until it answers 200, or fails after
// within: a condition ends once a success follows a quiet spell.
func (ts *testServer) waitReady(t testing.TB, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	var r response
	for time.Now().Before(deadline) {
		if r = ts.do(t, "GET", "/readyz", nil); r.Status == 200 {
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	t.Fatalf("not ready within %v: %d %s", within, r.Status, r.Raw)
}

// logCount counts the server's log lines that contain s.
func (ts *testServer) logCount(s string) int {
	n := 0
	for _, line := range strings.Split(ts.stderr.String(), "\n") {
		if strings.Contains(line, s) {
			n++
		}
	}
	return n
}
