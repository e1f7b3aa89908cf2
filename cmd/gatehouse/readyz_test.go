package main

import (
	"strings"
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

// No surface may be mounted over the readiness endpoint.
func TestReadyzPathIsTheServers(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/readyz", "/readyz/x"} {
		err := checkMounts([]mount{{name: "Directus", option: "surfaces.directus.mount", prefix: prefix}})
		if err == nil || !strings.Contains(err.Error(), "overlaps the readiness endpoint") {
			t.Errorf("a mount at %s: %v, want it refused as overlapping the readiness endpoint", prefix, err)
		}
	}
}
