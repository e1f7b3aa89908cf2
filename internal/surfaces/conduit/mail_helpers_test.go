package conduit_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/mail"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// mailbox is the mail side of a test: the outbox worker delivering over
// real SMTP to an in-process server, as the server composes it.
type mailbox struct {
	srv  *smtptest.Server
	seen int
}

// startMail runs a mail worker over e's store that sends to a fresh
// smtptest server, until the test ends.
func startMail(t *testing.T, e *env) *mailbox {
	t.Helper()
	srv := smtptest.Start(t)
	from, err := mail.ParseFrom("Acme <auth@example.com>")
	if err != nil {
		t.Fatal(err)
	}
	sender, err := mail.NewSMTP(srv.URL(), from, mail.SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	// The worker reads the test's clock, so mail queued after the clock
	// was moved on is due for it at once.
	w := mail.NewWorker(e.DB, sender, mail.WorkerOptions{Poll: 10 * time.Millisecond, Lease: time.Second, Now: e.Clock.Now})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return &mailbox{srv: srv}
}

// next waits for the next message, checks it went to `to`, and returns
// its text.
func (m *mailbox) next(t *testing.T, to string) string {
	t.Helper()
	msgs := m.srv.WaitFor(t, m.seen+1, 10*time.Second)
	msg := msgs[m.seen]
	m.seen++
	if len(msg.To) != 1 || msg.To[0] != to {
		t.Fatalf("mail went to %v, want %s", msg.To, to)
	}
	return msg.Text(t)
}

// none checks that no mail arrives within a short wait (the worker polls
// every 10ms).
func (m *mailbox) none(t *testing.T) {
	t.Helper()
	time.Sleep(300 * time.Millisecond)
	if n := len(m.srv.Messages()); n != m.seen {
		t.Fatalf("%d unexpected mails; the last to %v", n-m.seen, m.srv.Messages()[n-1].To)
	}
}

// hookInMail finds the link to hook in a mail's text and returns it as a
// path (with its query) relative to the surface, and its token.
func hookInMail(t *testing.T, text, hook string) (path, token string) {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(publicURL+"/hook/authentication/"+hook+"/") + `([A-Za-z0-9_\-.]+)(\?\S*)?`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("mail has no %s link: %q", hook, text)
	}
	return strings.TrimPrefix(m[0], publicURL), m[1]
}

// resetTokenIn finds the reset link starting with base in a mail's text
// and returns its reset_token.
func resetTokenIn(t *testing.T, text, base string) string {
	t.Helper()
	re := regexp.MustCompile(regexp.QuoteMeta(base) + `\?\S*`)
	raw := re.FindString(text)
	if raw == "" {
		t.Fatalf("mail has no link at %s: %q", base, text)
	}
	u, err := url.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	tok := u.Query().Get("reset_token")
	if tok == "" {
		t.Fatalf("link %s has no reset_token", raw)
	}
	return tok
}

var codeRE = regexp.MustCompile(`verification code is: (\d{4})\b`)

// codeIn returns the 4-digit code of a verification-code mail.
func codeIn(t *testing.T, text string) string {
	t.Helper()
	m := codeRE.FindStringSubmatch(text)
	if m == nil {
		t.Fatalf("mail has no code: %q", text)
	}
	return m[1]
}

// get follows a link path (with its query) on the surface.
func (e *env) get(t testing.TB, path string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodGet, path: path})
}

// wantResult asserts a 200 {"result": result} answer.
func wantResult(t testing.TB, r response, result string) {
	t.Helper()
	wantStatus(t, r, 200)
	var out struct {
		Result string `json:"result"`
	}
	decode(t, r, &out)
	if out.Result != result {
		t.Fatalf("result = %q, want %q", out.Result, result)
	}
}

// wantLocation asserts a 302 to a URL starting with prefix and returns
// the parsed Location.
func wantLocation(t testing.TB, r response, prefix string) *url.URL {
	t.Helper()
	wantStatus(t, r, http.StatusFound)
	loc := r.header.Get("Location")
	if !strings.HasPrefix(loc, prefix) {
		t.Fatalf("Location = %q, want it to start with %q", loc, prefix)
	}
	u, err := url.Parse(loc)
	if err != nil {
		t.Fatal(err)
	}
	return u
}
