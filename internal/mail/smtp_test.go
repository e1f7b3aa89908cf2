package mail

import (
	"context"
	"errors"
	"fmt"
	"mime"
	"net"
	netmail "net/mail"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	gomailsmtp "github.com/wneessen/go-mail/smtp"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

var testFrom = Address{Name: "Gatehouse", Email: "no-reply@localhost"}

func testMessage() core.OutboxMessage {
	return core.OutboxMessage{
		ID:      "abc123def456ghi",
		To:      "zoe@example.com",
		Subject: "Vérifiez votre adresse ✓",
		Text:    "Hello,\n\nOpen https://app.example.com/_/#/auth/confirm-verification/TOKEN=xyz-a-long-token-that-makes-the-line-longer-than-seventy-six-characters\n",
		HTML:    `<p>Hello,</p><p><a href="https://app.example.com/_/#/auth/confirm-verification/TOKEN=xyz">Verify</a> — merci</p>`,
		Created: time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC),
	}
}

// crlf normalizes line ends: MIME puts CRLF on the wire.
func crlf(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// checkMessage asserts the parts of a delivered or written message that
// every Sender must produce.
func checkMessage(t *testing.T, got smtptest.Message, want core.OutboxMessage) {
	t.Helper()
	h := got.Header(t)
	from, err := netmail.ParseAddress(h.Get("From"))
	if err != nil || from.Name != testFrom.Name || from.Address != testFrom.Email {
		t.Errorf("From = %q (%v), want %v", h.Get("From"), err, testFrom)
	}
	to, err := netmail.ParseAddress(h.Get("To"))
	if err != nil || to.Address != want.To {
		t.Errorf("To = %q (%v), want %q", h.Get("To"), err, want.To)
	}
	if s := got.Subject(t); s != want.Subject {
		t.Errorf("Subject = %q, want %q", s, want.Subject)
	}
	if d, err := h.Date(); err != nil || !d.Equal(want.Created) {
		t.Errorf("Date = %v (%v), want %v", d, err, want.Created)
	}
	if id, want := h.Get("Message-ID"), "<"+want.ID+"@localhost>"; id != want {
		t.Errorf("Message-ID = %q, want %q", id, want)
	}
	mt, _, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil || mt != "multipart/alternative" {
		t.Errorf("Content-Type = %q (%v), want multipart/alternative", h.Get("Content-Type"), err)
	}
	if diff := cmp.Diff(want.Text, crlf(got.Text(t))); diff != "" {
		t.Errorf("text part (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(want.HTML, crlf(got.HTML(t))); diff != "" {
		t.Errorf("html part (-want +got):\n%s", diff)
	}
}

func TestSMTPSend(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	tests := []struct {
		name string
		url  string
	}{
		{"opportunistic", srv.URL()},
		{"tls-off", srv.URL() + "?tls=off"},
	}
	for i, tt := range tests {
		s, err := NewSMTP(tt.url, testFrom, SMTPOptions{Timeout: 5 * time.Second, HeloName: "gatehouse.test"})
		if err != nil {
			t.Fatalf("%s: NewSMTP() = %v", tt.name, err)
		}
		want := testMessage()
		if err := s.Send(t.Context(), want); err != nil {
			t.Fatalf("%s: Send() = %v", tt.name, err)
		}
		got := srv.WaitFor(t, i+1, 2*time.Second)[i]
		if got.From != testFrom.Email || len(got.To) != 1 || got.To[0] != want.To {
			t.Errorf("%s: envelope %q -> %q, want %q -> [%q]", tt.name, got.From, got.To, testFrom.Email, want.To)
		}
		checkMessage(t, got, want)
	}
}

func TestSMTPAuth(t *testing.T) {
	t.Parallel()
	const user, pass = "mailer@example.com", "p@ss w/rd:%?"
	srv := smtptest.StartWithAuth(t, user, pass)
	withCreds := func(u, p, query string) string {
		return (&url.URL{Scheme: "smtp", Host: srv.Addr(), User: url.UserPassword(u, p), RawQuery: query}).String()
	}
	tests := []struct {
		name string
		url  string
		ok   bool
	}{
		{"plain-to-loopback", withCreds(user, pass, ""), true},
		{"tls-off", withCreds(user, pass, "tls=off"), true},
		{"wrong-password", withCreds(user, pass+"x", ""), false},
		{"no-credentials", "smtp://" + srv.Addr(), false},
		{"tls-required-without-starttls", withCreds(user, pass, "tls=required"), false},
	}
	for _, tt := range tests {
		s, err := NewSMTP(tt.url, testFrom, SMTPOptions{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("%s: NewSMTP() = %v", tt.name, err)
		}
		before := len(srv.Messages())
		err = s.Send(t.Context(), testMessage())
		if (err == nil) != tt.ok {
			t.Errorf("%s: Send() = %v, want success %v", tt.name, err, tt.ok)
		}
		if err != nil && (strings.Contains(err.Error(), pass) || strings.Contains(err.Error(), url.QueryEscape(pass))) {
			t.Errorf("%s: Send() error %q contains the password", tt.name, err)
		}
		after := srv.Messages()
		if delivered := len(after) > before; delivered != tt.ok {
			t.Errorf("%s: delivered = %v, want %v", tt.name, delivered, tt.ok)
		}
		if tt.ok && len(after) > before && after[before].AuthUser != user {
			t.Errorf("%s: authenticated as %q, want %q", tt.name, after[before].AuthUser, user)
		}
	}
}

// TestSMTPNoCleartextPasswordToRemote checks that a server which is not
// loopback by name and offers no STARTTLS never gets the password in
// clear text unless the URL says tls=off. [::ffff:127.0.0.1] reaches the
// local test server while not reading as loopback to the AUTH guard.
func TestSMTPNoCleartextPasswordToRemote(t *testing.T) {
	t.Parallel()
	const user, pass = "mailer", "cleartext-secret"
	srv := smtptest.StartWithAuth(t, user, pass)
	_, port, err := net.SplitHostPort(srv.Addr())
	if err != nil {
		t.Fatal(err)
	}
	remote := func(query string) string {
		return (&url.URL{Scheme: "smtp", Host: net.JoinHostPort("::ffff:127.0.0.1", port), User: url.UserPassword(user, pass), RawQuery: query}).String()
	}
	tests := []struct {
		name string
		url  string
		ok   bool
	}{
		{"opportunistic-refuses", remote(""), false},
		{"tls-off-opts-in", remote("tls=off"), true},
	}
	// The refusal must come from the AUTH guard, not from failing to
	// reach the server at all.
	for _, tt := range tests {
		s, err := NewSMTP(tt.url, testFrom, SMTPOptions{Timeout: 5 * time.Second})
		if err != nil {
			t.Fatalf("%s: NewSMTP() = %v", tt.name, err)
		}
		before := len(srv.Messages())
		err = s.Send(t.Context(), testMessage())
		if (err == nil) != tt.ok || (err != nil && !errors.Is(err, gomailsmtp.ErrUnencrypted)) {
			t.Errorf("%s: Send() = %v, want success %v (or go-mail's unencrypted-auth refusal)", tt.name, err, tt.ok)
		}
		if delivered := len(srv.Messages()) > before; delivered != tt.ok {
			t.Errorf("%s: delivered = %v, want %v", tt.name, delivered, tt.ok)
		}
	}
}

func TestSMTPTLS(t *testing.T) {
	t.Parallel()
	const user, pass = "mailer", "tls-secret"
	starttls := smtptest.StartWith(t, smtptest.Options{User: user, Pass: pass, TLS: smtptest.StartTLS})
	implicit := smtptest.StartWith(t, smtptest.Options{User: user, Pass: pass, TLS: smtptest.ImplicitTLS})
	// A host name that is not loopback to go-mail's AUTH guard, so
	// delivery proves the password went over TLS.
	withHost := func(srv *smtptest.Server, scheme, query string) string {
		_, port, _ := net.SplitHostPort(srv.Addr())
		return (&url.URL{Scheme: scheme, Host: net.JoinHostPort("::ffff:127.0.0.1", port), User: url.UserPassword(user, pass), RawQuery: query}).String()
	}
	tests := []struct {
		name    string
		srv     *smtptest.Server
		url     string
		trusted bool
		ok      bool
		wantTLS bool
	}{
		{"starttls-opportunistic", starttls, withHost(starttls, "smtp", ""), true, true, true},
		{"starttls-required", starttls, withHost(starttls, "smtp", "tls=required"), true, true, true},
		{"starttls-off", starttls, withHost(starttls, "smtp", "tls=off"), true, true, false},
		{"starttls-untrusted-cert", starttls, withHost(starttls, "smtp", ""), false, false, false},
		{"smtps", implicit, withHost(implicit, "smtps", ""), true, true, true},
		{"smtps-untrusted-cert", implicit, withHost(implicit, "smtps", ""), false, false, false},
	}
	for _, tt := range tests {
		opts := SMTPOptions{Timeout: 5 * time.Second}
		if tt.trusted {
			opts.TLSConfig = tt.srv.ClientTLS()
		}
		s, err := NewSMTP(tt.url, testFrom, opts)
		if err != nil {
			t.Fatalf("%s: NewSMTP() = %v", tt.name, err)
		}
		before := len(tt.srv.Messages())
		err = s.Send(t.Context(), testMessage())
		if (err == nil) != tt.ok {
			t.Errorf("%s: Send() = %v, want success %v", tt.name, err, tt.ok)
		}
		after := tt.srv.Messages()
		if delivered := len(after) > before; delivered != tt.ok {
			t.Errorf("%s: delivered = %v, want %v", tt.name, delivered, tt.ok)
			continue
		}
		if tt.ok {
			if m := after[before]; m.TLS != tt.wantTLS || m.AuthUser != user {
				t.Errorf("%s: got TLS %v as %q, want TLS %v as %q", tt.name, m.TLS, m.AuthUser, tt.wantTLS, user)
			}
		}
	}
}

func TestSMTPSendFailsFast(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	s, err := NewSMTP(srv.URL(), testFrom, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	bad := testMessage()
	bad.To = "not an address"
	tests := []struct {
		name string
		ctx  context.Context
		msg  core.OutboxMessage
	}{
		{"cancelled-context", cancelled, testMessage()},
		{"bad-recipient", t.Context(), bad},
	}
	for _, tt := range tests {
		if err := s.Send(tt.ctx, tt.msg); err == nil {
			t.Errorf("%s: Send() = nil, want an error", tt.name)
		}
	}
	if n := len(srv.Messages()); n != 0 {
		t.Errorf("server got %d messages, want 0", n)
	}
}

func TestNewSMTPRejectsBadURLs(t *testing.T) {
	t.Parallel()
	const secret = "hunter2"
	tests := []string{
		"",
		"http://user:hunter2@mail.example.com",
		"mail.example.com:25",
		"smtp://",
		"smtp://user:hunter2@",
		"smtp://user:hunter2@mail.example.com:0",
		"smtp://user:hunter2@mail.example.com:70000",
		"smtp://user:hunter2@mail.example.com:port",
		"smtp://user:hunter2@mail.example.com/inbox",
		"smtp://user:hunter2@mail.example.com?tls=maybe",
		"smtp://user:hunter2@mail.example.com?tls=off&tls=required",
		"smtp://user:hunter2@mail.example.com?starttls=1",
		"smtps://user:hunter2@mail.example.com?tls=off",
		"smtp://:hunter2@mail.example.com",
		"smtp://user:hunter2%zz@mail.example.com",
		"smtp://user:hunter2@mail example.com",
	}
	for _, raw := range tests {
		s, err := NewSMTP(raw, testFrom, SMTPOptions{})
		if err == nil {
			t.Errorf("NewSMTP(%q) = %v, want an error", raw, s)
			continue
		}
		if strings.Contains(err.Error(), secret) {
			t.Errorf("NewSMTP(%q) error %q reveals the password", raw, err)
		}
	}
	if _, err := NewSMTP("smtp://mail.example.com", Address{}, SMTPOptions{}); err == nil {
		t.Error("NewSMTP() without a sender = nil error, want one")
	}
}

func TestNewSMTPParsesURLs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		raw, redacted, user, pass string
	}{
		{"smtp://mail.example.com", "smtp://mail.example.com:587", "", ""},
		{"SMTP://mail.example.com:2525?tls=off", "smtp://mail.example.com:2525?tls=off", "", ""},
		{"smtp://user:hunter2@mail.example.com?tls=required", "smtp://user:xxxxx@mail.example.com:587?tls=required", "user", "hunter2"},
		{"smtps://u%40x.org:p%2Fw%3Ad@[::1]", "smtps://u%40x.org:xxxxx@[::1]:465", "u@x.org", "p/w:d"},
		{"smtps://apikey@smtp.example.com:2465?tls=required", "smtps://apikey@smtp.example.com:2465", "apikey", ""},
	}
	for _, tt := range tests {
		s, err := NewSMTP(tt.raw, testFrom, SMTPOptions{})
		if err != nil {
			t.Errorf("NewSMTP(%q) = %v", tt.raw, err)
			continue
		}
		if got := s.Redacted(); got != tt.redacted {
			t.Errorf("NewSMTP(%q).Redacted() = %q, want %q", tt.raw, got, tt.redacted)
		}
		if s.user != tt.user || s.pass != tt.pass {
			t.Errorf("NewSMTP(%q) credentials = %q, %q; want %q, %q", tt.raw, s.user, s.pass, tt.user, tt.pass)
		}
		if tt.pass != "" && strings.Contains(fmt.Sprintf("%v %s %+v", s, s, s), tt.pass) {
			t.Errorf("printing NewSMTP(%q) reveals the password", tt.raw)
		}
	}
}

func TestSMTPScrub(t *testing.T) {
	t.Parallel()
	s, err := NewSMTP("smtp://u:s%2Fcret@mail.example.com", testFrom, SMTPOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := s.scrub(fmt.Errorf("server said: bad s/cret and s%%2Fcret")).Error()
	if strings.Contains(got, "s/cret") || strings.Contains(got, "s%2Fcret") {
		t.Errorf("scrub() = %q, want the password masked in every spelling", got)
	}
}

func TestParseFrom(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want Address
		ok   bool
	}{
		{"Gatehouse <no-reply@localhost>", Address{"Gatehouse", "no-reply@localhost"}, true},
		{"no-reply@example.com", Address{"", "no-reply@example.com"}, true},
		{`"Acme, Inc." <mail@acme.test>`, Address{"Acme, Inc.", "mail@acme.test"}, true},
		{"", Address{}, false},
		{"not an address", Address{}, false},
		{"a@b.c, d@e.f", Address{}, false},
	}
	for _, tt := range tests {
		got, err := ParseFrom(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseFrom(%q) = %v, %v; want %v, ok %v", tt.in, got, err, tt.want, tt.ok)
		}
	}
}
