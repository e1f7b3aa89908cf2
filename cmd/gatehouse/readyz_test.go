package main

import (
	"testing"
)

// A healthy server is ready, says so in its own small JSON, and lets no
// cache keep the answer.
func TestReadyz(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	r := ts.do(t, "GET", "/readyz", nil).want(t, 200)
	if r.Raw != `{"status":"ready","conditions":[]}`+"\n" {
		t.Errorf("readiness body = %q", r.Raw)
	}
	if cc := r.Header.Get("Cache-Control"); cc != "no-store" {
		t.Errorf("Cache-Control = %q, want no-store", cc)
	}
	if r.Header.Get("Retry-After") != "" {
		t.Error("a ready answer carries Retry-After")
	}
}
