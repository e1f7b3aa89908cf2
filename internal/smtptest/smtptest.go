// Package smtptest runs an in-process SMTP server for tests. It records
// every message it accepts so a test can read the mail a flow sent, and it
// can be stopped and restarted on the same port to simulate an outage.
//
// It is test support: import it only from _test.go files.
package smtptest

import (
	"crypto/tls"
	"io"
	"log"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	gosmtp "github.com/emersion/go-smtp"
)

// Server is a running test SMTP server on 127.0.0.1. Unless started with
// a TLS mode it offers no TLS, and it allows AUTH PLAIN over a plain
// connection.
type Server struct {
	// user and pass are the required credentials; empty user means any
	// client (with or without AUTH) is accepted.
	user, pass string
	mode       TLSMode
	serverTLS  *tls.Config
	clientTLS  *tls.Config

	mu      sync.Mutex
	addr    string // fixed at Start so Restart binds the same port
	srv     *gosmtp.Server
	ln      net.Listener
	serving chan struct{} // closed when the current Serve call returns
	msgs    []Message

	// holdNext is how many more messages to hold (see HoldNext); held
	// are the messages held so far; release is closed to answer them.
	holdNext int
	held     []Message
	release  chan struct{}
}

// Options configure a server started with StartWith.
type Options struct {
	// User and Pass, when User is set, must be presented with AUTH PLAIN
	// before a message is accepted. Without a User any credentials (or
	// none) are accepted.
	User, Pass string
	// TLS selects STARTTLS or implicit TLS; the default is none.
	TLS TLSMode
}

// Start starts a server on 127.0.0.1 on a free port that accepts every
// message, with or without AUTH (any credentials pass), without TLS. The
// server stops when the test ends.
func Start(t testing.TB) *Server {
	t.Helper()
	return StartWith(t, Options{})
}

// StartWithAuth starts a server that requires AUTH PLAIN with the given
// credentials before it accepts a message.
func StartWithAuth(t testing.TB, user, pass string) *Server {
	t.Helper()
	if user == "" {
		t.Fatal("smtptest: StartWithAuth needs a user name")
	}
	return StartWith(t, Options{User: user, Pass: pass})
}

// StartWith starts a server configured by opts.
func StartWith(t testing.TB, opts Options) *Server {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtptest: listen: %v", err)
	}
	s := &Server{user: opts.User, pass: opts.Pass, mode: opts.TLS, addr: ln.Addr().String(), release: make(chan struct{})}
	if opts.TLS != NoTLS {
		s.serverTLS, s.clientTLS = selfSigned(t)
	}
	s.serve(ln)
	t.Cleanup(s.Stop)
	return s
}

// Addr returns the server's host:port.
func (s *Server) Addr() string { return s.addr }

// ClientTLS returns a TLS config that trusts the server's certificate,
// or nil when the server offers no TLS.
func (s *Server) ClientTLS() *tls.Config {
	if s.clientTLS == nil {
		return nil
	}
	return s.clientTLS.Clone()
}

// URL returns an smtp:// URL for the server (smtps:// with implicit TLS),
// with the required credentials in it when the server demands some.
// Without a TLS mode the server offers no STARTTLS, so a sender with
// opportunistic TLS talks to it in plain text.
func (s *Server) URL() string {
	u := url.URL{Scheme: "smtp", Host: s.addr}
	if s.mode == ImplicitTLS {
		u.Scheme = "smtps"
	}
	if s.user != "" {
		u.User = url.UserPassword(s.user, s.pass)
	}
	return u.String()
}

// Messages returns a copy of every message received so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Message, len(s.msgs))
	copy(out, s.msgs)
	return out
}

// WaitFor polls until at least n messages have arrived and returns them
// all; it fails the test if that takes longer than timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: got %d messages after %v, want %d", len(msgs), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// HoldNext makes the server hold the next n messages: it reads each one's
// DATA in full and then does not answer, as a server that received a
// message but never confirmed it. A sender cannot tell whether such a
// message was delivered: this is the window in which a sender that dies
// may deliver a duplicate later. Held messages are not in Messages; Held
// returns them. They are answered 451 (not delivered) on ReleaseHeld or
// Stop, by when their sender has usually given up or gone.
func (s *Server) HoldNext(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.holdNext = n
}

// Held returns a copy of every message held so far, in order.
func (s *Server) Held() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.held...)
}

// WaitHeld polls until at least n messages are held and returns them
// all; it fails the test if that takes longer than timeout.
func (s *Server) WaitHeld(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if held := s.Held(); len(held) >= n {
			return held
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: %d messages held after %v, want %d", len(s.Held()), timeout, n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// ReleaseHeld answers every message held so far with 451; they stay in
// Held.
func (s *Server) ReleaseHeld() {
	s.mu.Lock()
	defer s.mu.Unlock()
	close(s.release)
	s.release = make(chan struct{})
}

// hold records m as held if the server is to hold it, and returns the
// channel that is closed when it is to be answered.
func (s *Server) hold(m Message) (<-chan struct{}, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.holdNext <= 0 {
		return nil, false
	}
	s.holdNext--
	s.held = append(s.held, m)
	return s.release, true
}

// Stop closes the listener and every open connection, so new
// connections are refused, and answers held messages. It is safe to call
// more than once.
func (s *Server) Stop() {
	s.ReleaseHeld()
	s.mu.Lock()
	srv, ln, serving := s.srv, s.ln, s.serving
	s.srv, s.ln, s.serving = nil, nil, nil
	s.mu.Unlock()
	if srv == nil {
		return
	}
	srv.Close()
	// go-smtp's Close only closes the listeners Serve has registered; if
	// Serve has not started yet, closing ours is what ends it.
	ln.Close()
	<-serving
}

// Restart stops the server if it runs and listens again on the same
// port. The port was just released, so binding is retried briefly.
// Messages received before the restart are kept.
func (s *Server) Restart(t testing.TB) {
	t.Helper()
	s.Stop()
	deadline := time.Now().Add(2 * time.Second)
	for {
		ln, err := net.Listen("tcp", s.addr)
		if err == nil {
			s.serve(ln)
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("smtptest: listen again on %s: %v", s.addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// serve runs a fresh go-smtp server on ln: a closed go-smtp server cannot
// serve again, so each Restart builds a new one.
func (s *Server) serve(ln net.Listener) {
	srv := gosmtp.NewServer(gosmtp.BackendFunc(func(c *gosmtp.Conn) (gosmtp.Session, error) {
		return &session{server: s, conn: c}, nil
	}))
	switch s.mode {
	case StartTLS:
		srv.TLSConfig = s.serverTLS
	case ImplicitTLS:
		ln = tls.NewListener(ln, s.serverTLS)
	}
	srv.Domain = "localhost"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.ErrorLog = log.New(io.Discard, "", 0)

	serving := make(chan struct{})
	s.mu.Lock()
	s.srv, s.ln, s.serving = srv, ln, serving
	s.mu.Unlock()
	go func() {
		defer close(serving)
		// Serve returns nil after Close; any other error ends serving
		// just the same, and the test sees refused connections.
		_ = srv.Serve(ln)
	}()
}

func (s *Server) record(m Message) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.msgs = append(s.msgs, m)
}
