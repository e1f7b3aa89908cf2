package main

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// Kill stops a server process (startNode) with SIGKILL, as a crash
// would: nothing it was doing gets to finish or clean up.
func (ts *testServer) Kill(t testing.TB) {
	t.Helper()
	if ts.kill == nil {
		t.Fatal("Kill: not a server process (start it with startNode)")
	}
	ts.kill()
	<-ts.done // the killed process's exit status, an error by design
	ts.cancel = nil
}

// TestMailAfterCrashMidSend kills Gatehouse (SIGKILL) while it sends a
// password-reset mail: the SMTP server has taken the whole message but
// not answered. Another server started on the same data delivers the
// mail within the lease (plus a margin), with the Message-ID of the
// interrupted attempt, logs and counts the retry as one that may be a
// duplicate, and the mailed token works.
func TestMailAfterCrashMidSend(t *testing.T) {
	t.Parallel()
	smtp := smtptest.Start(t)
	smtp.HoldNext(1)
	const lease = 3 * time.Second
	env := map[string]string{
		"GATEHOUSE_SMTP_URL":   smtp.URL(),
		"GATEHOUSE_MAIL_LEASE": lease.String(),
		// Far beyond the lease: only a renewal keeps the first attempt's
		// claim, and only the lease frees it after the crash.
		"GATEHOUSE_MAIL_SEND_TIMEOUT": "2m",
	}
	db := ""
	if backendPostgres() {
		db = freshPostgres(t)
	}
	first := startNode(t, nodeOpts{DB: db, Env: env})
	first.signUp(t, "carol@example.com", "carol password")
	first.do(t, "POST", "/api/collections/users/request-password-reset", map[string]any{"email": "carol@example.com"}).want(t, 204)
	held := smtp.WaitHeld(t, 1, 10*time.Second)[0]

	first.Kill(t)
	killed := time.Now()
	second := startServer(t, serverOpts{Env: env, Dir: first.Dir, DB: db})
	msgs := smtp.WaitFor(t, 1, lease+10*time.Second)
	took := time.Since(killed)
	t.Logf("delivered %v after the kill (lease %v)", took.Round(10*time.Millisecond), lease)
	if took > lease+2*time.Second {
		t.Errorf("delivered %v after the kill, want within the lease (%v) plus 2s", took, lease)
	}
	if got, want := msgs[0].Header(t).Get("Message-ID"), held.Header(t).Get("Message-ID"); got == "" || got != want {
		t.Errorf("Message-ID after the crash %q, of the interrupted attempt %q; want the same", got, want)
	}
	tok := tokenIn(t, msgs[0].Text(t), "confirm-password-reset")
	second.do(t, "POST", "/api/collections/users/confirm-password-reset", map[string]any{
		"token": tok, "password": "carol new password", "passwordConfirm": "carol new password",
	}).want(t, 204)

	// The delivery is recorded, and the retry is logged and counted as
	// one that may be a duplicate.
	deadline := time.Now().Add(10 * time.Second)
	var metrics string
	for {
		metrics = second.do(t, "GET", "/metrics", nil).Raw
		if strings.Contains(metrics, "\ngatehouse_mail_sent_total 1\n") || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	for _, want := range []string{"\ngatehouse_mail_sent_total 1\n", "\ngatehouse_mail_interrupted_total 1\n"} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", strings.TrimSpace(want))
		}
	}
	if log := second.stderr.String(); !strings.Contains(log, "previous attempt was interrupted") {
		t.Errorf("the second server did not log the interrupted attempt:\n%s", log)
	}
	if n := len(smtp.Messages()); n != 1 {
		t.Errorf("%d messages delivered, want 1", n)
	}
}
