package smtptest

import (
	"crypto/tls"
	"errors"
	"net/smtp"
	"net/textproto"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const rawMultipart = "From: a@example.com\r\n" +
	"To: b@example.com\r\n" +
	"Subject: =?UTF-8?q?Gr=C3=BC=C3=9Fe?=\r\n" +
	"MIME-Version: 1.0\r\n" +
	"Content-Type: multipart/mixed; boundary=outer\r\n" +
	"\r\n" +
	"--outer\r\n" +
	"Content-Type: multipart/alternative; boundary=inner\r\n" +
	"\r\n" +
	"--inner\r\n" +
	"Content-Type: text/plain; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: quoted-printable\r\n" +
	"\r\n" +
	"Caf=C3=A9 link: https://example.com/a=3Db\r\n" +
	"--inner\r\n" +
	"Content-Type: text/html; charset=UTF-8\r\n" +
	"Content-Transfer-Encoding: base64\r\n" +
	"\r\n" +
	"PHA+Q2Fmw6k8\r\nL3A+\r\n" +
	"--inner--\r\n" +
	"--outer--\r\n"

func send(addr string, auth smtp.Auth, to string) error {
	return smtp.SendMail(addr, auth, "a@example.com", []string{to}, []byte(rawMultipart))
}

func TestRecordsMessages(t *testing.T) {
	t.Parallel()
	s := Start(t)
	if err := send(s.Addr(), nil, "b@example.com"); err != nil {
		t.Fatalf("SendMail() = %v", err)
	}
	msgs := s.WaitFor(t, 1, 2*time.Second)
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.From != "a@example.com" || !slices.Equal(m.To, []string{"b@example.com"}) {
		t.Errorf("envelope = %q -> %q, want a@example.com -> [b@example.com]", m.From, m.To)
	}
	if got, want := m.Subject(t), "Grüße"; got != want {
		t.Errorf("Subject() = %q, want %q", got, want)
	}
	if got, want := m.Text(t), "Café link: https://example.com/a=b"; got != want {
		t.Errorf("Text() = %q, want %q", got, want)
	}
	if got, want := m.HTML(t), "<p>Café</p>"; got != want {
		t.Errorf("HTML() = %q, want %q", got, want)
	}
	if got, want := s.URL(), "smtp://"+s.Addr(); got != want {
		t.Errorf("URL() = %q, want %q", got, want)
	}
}

func TestAuth(t *testing.T) {
	t.Parallel()
	s := StartWithAuth(t, "mailer", "s3cret")
	if !strings.Contains(s.URL(), "mailer:s3cret@") {
		t.Errorf("URL() = %q, want the credentials in it", s.URL())
	}
	tests := []struct {
		name string
		auth smtp.Auth
		ok   bool
	}{
		{"none", nil, false},
		{"wrong-password", smtp.PlainAuth("", "mailer", "nope", "127.0.0.1"), false},
		{"wrong-user", smtp.PlainAuth("", "other", "s3cret", "127.0.0.1"), false},
		{"right", smtp.PlainAuth("", "mailer", "s3cret", "127.0.0.1"), true},
	}
	for _, tt := range tests {
		err := send(s.Addr(), tt.auth, tt.name+"@example.com")
		if (err == nil) != tt.ok {
			t.Errorf("%s: SendMail() = %v, want success %v", tt.name, err, tt.ok)
		}
		var perr *textproto.Error
		if err != nil && !errors.As(err, &perr) {
			t.Errorf("%s: SendMail() = %v, want an SMTP reply error", tt.name, err)
		}
	}
	var got []string
	for _, m := range s.Messages() {
		got = append(got, m.AuthUser+" "+m.To[0])
	}
	if diff := cmp.Diff([]string{"mailer right@example.com"}, got); diff != "" {
		t.Errorf("recorded messages (-want +got):\n%s", diff)
	}
}

func TestStopRestart(t *testing.T) {
	t.Parallel()
	s := Start(t)
	addr := s.Addr()
	if err := send(addr, nil, "one@example.com"); err != nil {
		t.Fatalf("SendMail() before Stop = %v", err)
	}
	s.Stop()
	if err := send(addr, nil, "lost@example.com"); err == nil {
		t.Fatal("SendMail() after Stop succeeded, want connection refused")
	}
	s.Stop() // idempotent
	s.Restart(t)
	if s.Addr() != addr {
		t.Errorf("Addr() after Restart = %q, want %q", s.Addr(), addr)
	}
	if err := send(addr, nil, "two@example.com"); err != nil {
		t.Fatalf("SendMail() after Restart = %v", err)
	}
	var got []string
	for _, m := range s.Messages() {
		got = append(got, m.To...)
	}
	if diff := cmp.Diff([]string{"one@example.com", "two@example.com"}, got); diff != "" {
		t.Errorf("recipients (-want +got):\n%s", diff)
	}
}

func TestTLSModes(t *testing.T) {
	t.Parallel()
	if Start(t).ClientTLS() != nil {
		t.Error("ClientTLS() without TLS = non-nil, want nil")
	}
	s := StartWith(t, Options{TLS: ImplicitTLS})
	if !strings.HasPrefix(s.URL(), "smtps://") {
		t.Errorf("URL() = %q, want smtps://", s.URL())
	}
	conn, err := tls.Dial("tcp", s.Addr(), s.ClientTLS())
	if err != nil {
		t.Fatalf("tls.Dial() with ClientTLS = %v", err)
	}
	defer conn.Close()
	line, err := textproto.NewConn(conn).ReadLine()
	if err != nil || !strings.HasPrefix(line, "220 ") {
		t.Errorf("greeting = %q, %v; want 220", line, err)
	}
	if _, err := tls.Dial("tcp", s.Addr(), &tls.Config{MinVersion: tls.VersionTLS12}); err == nil {
		t.Error("tls.Dial() without the test CA succeeded, want a certificate error")
	}
}

// A held message is read in full but not answered until released, then
// refused with 451; the next one is delivered as usual.
func TestHoldNext(t *testing.T) {
	t.Parallel()
	s := Start(t)
	s.HoldNext(1)
	errc := make(chan error, 1)
	go func() { errc <- send(s.Addr(), nil, "held@example.com") }()
	held := s.WaitHeld(t, 1, 2*time.Second)
	if !slices.Equal(held[0].To, []string{"held@example.com"}) || held[0].Subject(t) != "Grüße" {
		t.Errorf("held %v %q, want the whole message to held@example.com", held[0].To, held[0].Subject(t))
	}
	select {
	case err := <-errc:
		t.Fatalf("the sender got an answer while the message was held: %v", err)
	case <-time.After(50 * time.Millisecond): // nothing may arrive: a bounded look
	}
	s.ReleaseHeld()
	var perr *textproto.Error
	if err := <-errc; !errors.As(err, &perr) || perr.Code != 451 {
		t.Errorf("released held message answered %v, want 451", err)
	}
	if err := send(s.Addr(), nil, "next@example.com"); err != nil {
		t.Fatalf("SendMail after the hold = %v", err)
	}
	if msgs := s.Messages(); len(msgs) != 1 || msgs[0].To[0] != "next@example.com" {
		t.Errorf("delivered %v, want only the message after the hold", msgs)
	}
}
