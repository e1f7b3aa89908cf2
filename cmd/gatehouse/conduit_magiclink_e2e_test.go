package main

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// TestConduitMagicLinkServer runs a magic link through the real server:
// the Conduit surface at its default mount, its public URL derived from
// app.url, the mail over SMTP, the link followed, and the link's token
// kept out of the access log (it is a login until spent).
func TestConduitMagicLinkServer(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	ts := startServer(t, serverOpts{Env: map[string]string{
		"GATEHOUSE_SMTP_URL":                                 smtp.URL(),
		"GATEHOUSE_APP_URL":                                  "https://auth.example.com",
		"GATEHOUSE_SURFACES_CONDUIT_MAGIC_LINK_ENABLED":      "true",
		"GATEHOUSE_SURFACES_CONDUIT_MAGIC_LINK_REDIRECT_URI": "https://app.example.com/welcome",
	}})
	body := []byte(`{"email":"erin@example.com","password":"erin password 1"}`)
	if r := ts.sendJSON(t, http.MethodPost, "/conduit/authentication/local/new", body); r.Status != 200 {
		t.Fatalf("register: %d %s", r.Status, r.Raw)
	}
	if r := ts.sendJSON(t, http.MethodPost, "/conduit/authentication/magic-link", []byte(`{"email":"erin@example.com"}`)); r.Status != 200 {
		t.Fatalf("magic-link: %d %s", r.Status, r.Raw)
	}
	text := smtp.WaitFor(t, 1, 10*time.Second)[0].Text(t)
	m := regexp.MustCompile(`https://auth\.example\.com(/conduit/hook/authentication/magic-link/([A-Za-z0-9_\-.]+))`).FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("mail has no magic link under the public URL: %q", text)
	}
	r := ts.send(t, attackReq{Method: http.MethodGet, Path: m[1]})
	loc, err := url.Parse(r.Header.Get("Location"))
	if r.Status != http.StatusFound || err != nil || !strings.HasPrefix(loc.String(), "https://app.example.com/welcome?") || loc.Query().Get("accessToken") == "" {
		t.Fatalf("hook: %d Location %q", r.Status, r.Header.Get("Location"))
	}
	access := loc.Query().Get("accessToken")
	req := attackReq{Method: http.MethodGet, Path: "/conduit/authentication/user", Headers: []string{"Authorization", "Bearer " + access}}
	if u := ts.send(t, req); u.Status != 200 || u.JSON["email"] != "erin@example.com" {
		t.Fatalf("user: %d %s", u.Status, u.Raw)
	}
	if again := ts.send(t, attackReq{Method: http.MethodGet, Path: m[1]}); again.Status != 404 {
		t.Fatalf("second use: %d %s", again.Status, again.Raw)
	}
	if n := ts.logCount(m[2]); n != 0 {
		t.Errorf("the link's token is in %d log lines", n)
	}
	if n := ts.logCount("/conduit/hook/authentication/magic-link/[redacted]"); n != 2 {
		t.Errorf("%d access log lines of the hook, want 2", n)
	}
}
