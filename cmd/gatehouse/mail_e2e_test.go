package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// signUp creates a user through the API.
func (ts *testServer) signUp(t testing.TB, email, password string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/records", map[string]any{
		"email": email, "password": password, "passwordConfirm": password,
	}).want(t, 200)
	return r.str("id")
}

// tokenIn extracts the token from the PocketBase-style link in a mail body.
func tokenIn(t testing.TB, body, action string) string {
	t.Helper()
	m := linkToken.FindStringSubmatch(body)
	if m == nil || m[1] != action {
		t.Fatalf("mail has no %s link: %q", action, body)
	}
	return m[2]
}

// TestSMTPDelivery shows a reset mail travelling over real SMTP, and its
// link working.
func TestSMTPDelivery(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	ts := startServer(t, serverOpts{Env: map[string]string{
		"GATEHOUSE_SMTP_URL":  smtp.URL(),
		"GATEHOUSE_APP_URL":   "https://auth.example.com",
		"GATEHOUSE_MAIL_FROM": "Acme Auth <auth@example.com>",
	}})
	ts.signUp(t, "carol@example.com", "carol password")
	ts.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": "carol@example.com"}).want(t, 204)

	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	m := msgs[0]
	if len(m.To) != 1 || m.To[0] != "carol@example.com" || m.From != "auth@example.com" {
		t.Fatalf("envelope from %q to %v", m.From, m.To)
	}
	text := m.Text(t)
	if !strings.Contains(text, "https://auth.example.com/_/#/auth/confirm-password-reset/") {
		t.Fatalf("reset mail text lacks the app link: %q", text)
	}
	tok := tokenIn(t, text, "confirm-password-reset")
	ts.do(t, "POST", "/api/collections/users/confirm-password-reset", map[string]any{
		"token": tok, "password": "carol new password", "passwordConfirm": "carol new password",
	}).want(t, 204)
	ts.do(t, "POST", "/api/collections/users/auth-with-password", map[string]any{
		"identity": "carol@example.com", "password": "carol new password",
	}).want(t, 200)
}

// TestSMTPOutage queues a mail while the SMTP server is down; it is
// delivered, exactly once, when the server comes back.
func TestSMTPOutage(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	ts := startServer(t, serverOpts{Env: map[string]string{"GATEHOUSE_SMTP_URL": smtp.URL()}})
	ts.signUp(t, "dave@example.com", "dave password")

	smtp.Stop()
	ts.do(t, "POST", "/api/collections/users/request-verification", map[string]any{"email": "dave@example.com"}).want(t, 204)
	// Let the worker fail a few attempts against the closed port.
	deadline := time.Now().Add(10 * time.Second)
	for !strings.Contains(ts.stderr.String(), "mail delivery failed") && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(ts.stderr.String(), "mail delivery failed") {
		t.Fatalf("no delivery failure logged while SMTP was down:\n%s", ts.stderr.String())
	}
	if n := len(smtp.Messages()); n != 0 {
		t.Fatalf("%d messages delivered while the server was down", n)
	}

	smtp.Restart(t)
	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	tokenIn(t, msgs[0].Text(t), "confirm-verification")
	time.Sleep(1500 * time.Millisecond) // several retry periods: nothing may be sent twice
	if n := len(smtp.Messages()); n != 1 {
		t.Fatalf("%d messages delivered, want exactly 1", n)
	}
}

// TestQueuedMailSurvivesRestart stops Gatehouse with a mail still queued
// (SMTP down) and starts it again on the same data: the mail is delivered.
func TestQueuedMailSurvivesRestart(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	env := map[string]string{"GATEHOUSE_SMTP_URL": smtp.URL()}
	ts := startServer(t, serverOpts{Env: env})
	ts.signUp(t, "erin@example.com", "erin password")
	smtp.Stop()
	ts.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": "erin@example.com"}).want(t, 204)
	ts.Stop(t)

	smtp.Restart(t)
	startServer(t, serverOpts{Env: env, Dir: ts.Dir, DB: ts.DB})
	msgs := smtp.WaitFor(t, 1, 10*time.Second)
	if msgs[0].To[0] != "erin@example.com" {
		t.Fatalf("delivered to %v", msgs[0].To)
	}
	tokenIn(t, msgs[0].Text(t), "confirm-password-reset")
}

// TestDeliveredMailIsScrubbed checks that a delivered mail's body (which
// holds a live one-time token) does not stay in the database file.
func TestDeliveredMailIsScrubbed(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	ts.signUp(t, "gina@example.com", "gina password")
	ts.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": "gina@example.com"}).want(t, 204)
	tok := ts.waitMail(t, "gina@example.com", "confirm-password-reset")
	ts.Stop(t) // checkpoints the WAL into the database file
	if ts.DB != "" {
		if n := postgresRowsContaining(t, ts.DB, "outbox", tok); n != 0 {
			t.Fatalf("%d outbox rows still hold the delivered reset token", n)
		}
		return
	}
	raw, err := os.ReadFile(filepath.Join(ts.Dir, "data.db"))
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(raw, []byte(tok)) {
		t.Fatal("the delivered reset token is still readable in data.db")
	}
}
