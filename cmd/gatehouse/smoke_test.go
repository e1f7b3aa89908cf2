package main

import "testing"

func TestServeAnswersHealth(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	r := ts.do(t, "GET", "/api/health", nil).want(t, 200)
	if r.Raw != "{\"message\":\"API is healthy.\",\"code\":200,\"data\":{}}\n" {
		t.Errorf("health body = %q", r.Raw)
	}
	for h, v := range map[string]string{
		"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN", "X-Xss-Protection": "1; mode=block",
		"Content-Type": "application/json",
	} {
		if got := r.Header.Get(h); got != v {
			t.Errorf("header %s = %q, want %q", h, got, v)
		}
	}
}
