package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"testing"
	"time"
)

// trickler is one connection sending a login whose body arrives a byte
// at a time, the way a slow-body attacker holds a connection open.
type trickler struct {
	conn net.Conn
	// gone is closed once the server has closed the connection (a read
	// saw EOF or a reset); then at holds when, and answer what the
	// server sent before.
	gone   chan struct{}
	at     time.Time
	answer string
}

// trickleOpts shape the tricklers. Expect makes each send
// "Expect: 100-continue" and wait for the server's "100 Continue",
// which net/http sends when the handler first reads the body: a signal
// that the connection is in its body phase, not a guess.
type trickleOpts struct {
	N      int
	Every  time.Duration // one body byte per Every
	Length int           // the Content-Length announced
	Expect bool
}

// trickle opens the connections and starts their trickles; they stop
// when the server closes them, or at the end of the test. It returns
// once every connection has sent its headers (and, with Expect, got its
// "100 Continue").
func (ts *testServer) trickle(t testing.TB, o trickleOpts) []*trickler {
	t.Helper()
	addr := strings.TrimPrefix(ts.URL, "http://")
	stop := make(chan struct{})
	var wg sync.WaitGroup
	t.Cleanup(func() { close(stop); wg.Wait() })
	out := make([]*trickler, o.N)
	for i := range out {
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatalf("trickler %d: %v", i, err)
		}
		tr := &trickler{conn: conn, gone: make(chan struct{})}
		out[i] = tr
		expect := ""
		if o.Expect {
			expect = "Expect: 100-continue\r\n"
		}
		fmt.Fprintf(conn, "POST /api/collections/users/auth-with-password HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n%sContent-Length: %d\r\n\r\n", expect, o.Length)
		br := bufio.NewReader(conn)
		if o.Expect {
			line, err := br.ReadString('\n')
			if err != nil || !strings.HasPrefix(line, "HTTP/1.1 100") {
				t.Fatalf("trickler %d: want 100 Continue, got %q, %v", i, line, err)
			}
			if _, err := br.ReadString('\n'); err != nil { // the blank line ending it
				t.Fatal(err)
			}
		}
		wg.Add(2)
		go func() { // the server's side: whatever it answers, then the close
			defer wg.Done()
			raw, _ := io.ReadAll(br)
			tr.at, tr.answer = time.Now(), string(raw)
			close(tr.gone)
			conn.Close()
		}()
		go func() { // the client's side: a byte per tick, never the whole body
			defer wg.Done()
			defer conn.Close()
			tick := time.NewTicker(o.Every)
			defer tick.Stop()
			for range o.Length - 1 {
				if _, err := conn.Write([]byte{' '}); err != nil {
					return
				}
				select {
				case <-tick.C:
				case <-tr.gone:
					return
				case <-stop:
					return
				}
			}
			<-stop // all but the last byte sent: hold the connection
		}()
	}
	return out
}

// waitGone waits until the server has closed every trickler, or bound
// passes, and returns how many it closed.
func waitGone(trs []*trickler, bound time.Duration) int {
	deadline := time.After(bound)
	n := 0
	for _, tr := range trs {
		select {
		case <-tr.gone:
			n++
		case <-deadline:
			return n
		}
	}
	return n
}

// openFDs counts this process's open file descriptors (Linux), or -1.
// Server and clients share the process here, so a connection counts
// twice while both ends are open.
func openFDs() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// answerStatus parses the status line of a raw answer, or 0.
func answerStatus(raw string) int {
	res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(raw)), nil)
	if err != nil {
		return 0
	}
	res.Body.Close()
	return res.StatusCode
}
