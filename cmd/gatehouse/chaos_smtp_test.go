package main

import (
	"bufio"
	"io"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// stallSMTP speaks just enough SMTP to take a whole message and then
// never confirms it: the sender waits for the "250" after the data, the
// moment where a crash leaves a message delivered as far as the receiver
// knows, but unrecorded as far as the sender knows. It tells the test
// when a message reached that point.
type stallSMTP struct {
	ln       net.Listener
	received chan []byte // each message's data, as the stall began

	mu    sync.Mutex
	conns []net.Conn
	wg    sync.WaitGroup
}

// startStallSMTP listens on addr (a port an smtptest server just gave
// up, retried briefly as smtptest.Restart does) until the test ends or
// close is called.
func startStallSMTP(t testing.TB, addr string) *stallSMTP {
	t.Helper()
	var ln net.Listener
	deadline := time.Now().Add(2 * time.Second)
	for {
		var err error
		if ln, err = net.Listen("tcp", addr); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("stall SMTP: listen on %s: %v", addr, err)
		}
		time.Sleep(10 * time.Millisecond)
	}
	s := &stallSMTP{ln: ln, received: make(chan []byte, 64)}
	s.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns = append(s.conns, c)
			s.mu.Unlock()
			s.wg.Go(func() { s.serve(c) })
		}
	})
	t.Cleanup(s.close)
	return s
}

// close stops listening, drops every connection and waits for the
// server's goroutines. Calling it twice is fine.
func (s *stallSMTP) close() {
	s.ln.Close()
	s.mu.Lock()
	for _, c := range s.conns {
		c.Close()
	}
	s.conns = nil
	s.mu.Unlock()
	s.wg.Wait()
}

// serve answers one connection: greeting, EHLO, MAIL, RCPT, DATA; after
// the data's final dot it says nothing more until the connection closes.
func (s *stallSMTP) serve(c net.Conn) {
	defer c.Close()
	r := bufio.NewReader(c)
	say := func(line string) bool {
		_, err := io.WriteString(c, line+"\r\n")
		return err == nil
	}
	if !say("220 stall.test ESMTP") {
		return
	}
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		verb, _, _ := strings.Cut(strings.ToUpper(strings.TrimSpace(line)), " ")
		var ok bool
		switch verb {
		case "EHLO":
			ok = say("250-stall.test") && say("250 8BITMIME")
		case "HELO":
			ok = say("250 stall.test")
		case "MAIL", "RCPT", "RSET", "NOOP":
			ok = say("250 OK")
		case "DATA":
			if !say("354 End data with <CR><LF>.<CR><LF>") {
				return
			}
			var data strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return
				}
				if l == ".\r\n" {
					break
				}
				data.WriteString(l)
			}
			s.received <- []byte(data.String())
			_, _ = io.Copy(io.Discard, r) // the stall: no "250", ever
			return
		case "QUIT":
			say("221 bye")
			return
		default:
			ok = say("502 not implemented")
		}
		if !ok {
			return
		}
	}
}
