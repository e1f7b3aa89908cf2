package httpapi

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// deadlineServer serves h behind d's middleware on loopback and returns
// its address.
func deadlineServer(t *testing.T, d *Deadlines, h http.HandlerFunc) string {
	t.Helper()
	srv := httptest.NewServer(d.Middleware(h))
	t.Cleanup(srv.Close)
	return strings.TrimPrefix(srv.URL, "http://")
}

// bodyResult is what a body-reading handler saw.
type bodyResult struct {
	n   int
	err error
}

// readingHandler reads the whole body, reports it on results, and
// answers 200, or 400 when the read failed.
func readingHandler(results chan<- bodyResult) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		b, err := io.ReadAll(r.Body)
		results <- bodyResult{len(b), err}
		if err != nil {
			http.Error(w, "unreadable body", http.StatusBadRequest)
			return
		}
		io.WriteString(w, "ok")
	}
}

// sendHeaders dials addr and sends a POST's headers; extra are further
// header lines, each ending in \r\n.
func sendHeaders(t *testing.T, addr, extra string) (net.Conn, *bufio.Reader) {
	t.Helper()
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	fmt.Fprintf(conn, "POST / HTTP/1.1\r\nHost: x\r\n%s\r\n", extra)
	return conn, bufio.NewReader(conn)
}

// sendPaced writes chunks, one per every, until all are sent or a write
// fails (the server closed the connection).
func sendPaced(conn net.Conn, chunks []string, every time.Duration) {
	tick := time.NewTicker(max(every, time.Millisecond))
	defer tick.Stop()
	for i, c := range chunks {
		if i > 0 {
			<-tick.C
		}
		if _, err := io.WriteString(conn, c); err != nil {
			return
		}
	}
}

// readAnswer reads one response within bound.
func readAnswer(t *testing.T, br *bufio.Reader, conn net.Conn, bound time.Duration) (res *http.Response, body string) {
	t.Helper()
	conn.SetReadDeadline(time.Now().Add(bound))
	res, err := http.ReadResponse(br, nil)
	if err != nil {
		t.Fatalf("no answer: %v", err)
	}
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("reading the answer: %v", err)
	}
	return res, string(raw)
}

// closedWithin reports whether the server closes the connection (after
// its answer) within bound.
func closedWithin(br *bufio.Reader, conn net.Conn, bound time.Duration) bool {
	conn.SetReadDeadline(time.Now().Add(bound))
	_, err := br.ReadByte()
	return errors.Is(err, io.EOF) || isReset(err)
}

func isReset(err error) bool {
	var ne net.Error
	return err != nil && !(errors.As(err, &ne) && ne.Timeout())
}

func repeatChunks(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

func TestBodyRate(t *testing.T) {
	t.Parallel()
	const (
		rate  = 200 // bytes a second
		grace = 300 * time.Millisecond
	)
	chunked := "Transfer-Encoding: chunked\r\n"
	tests := []struct {
		name   string
		header string
		chunks []string
		every  time.Duration
		cut    bool
		// atLeast is when the deadline falls at the earliest: a sound
		// lower bound, since the server starts its clock after the
		// client sent the headers.
		atLeast time.Duration
		n       int // bytes the handler gets when not cut
	}{
		{name: "all at once", header: "Content-Length: 1000\r\n", chunks: []string{strings.Repeat("x", 1000)}, n: 1000},
		// 400 B/s, twice the minimum, for 2.5 s: well past the grace.
		{name: "slow but steady", header: "Content-Length: 1000\r\n", chunks: repeatChunks(strings.Repeat("x", 40), 25), every: 100 * time.Millisecond, n: 1000},
		{name: "chunked, steady", header: chunked, chunks: append(repeatChunks("28\r\n"+strings.Repeat("x", 40)+"\r\n", 10), "0\r\n\r\n"), every: 100 * time.Millisecond, n: 400},
		// 20 B/s: behind from the start, cut as the grace runs out.
		{name: "trickle", header: "Content-Length: 1000\r\n", chunks: repeatChunks("x", 1000), every: 50 * time.Millisecond, cut: true, atLeast: grace},
		{name: "silent", header: "Content-Length: 1000\r\n", cut: true, atLeast: grace},
		// 100 bytes earn 100/rate = 500ms beyond the grace, no more.
		{name: "burst then silence", header: "Content-Length: 1000\r\n", chunks: []string{strings.Repeat("x", 100)}, cut: true, atLeast: grace + 500*time.Millisecond},
		{name: "chunked trickle", header: chunked, chunks: repeatChunks("1\r\nx\r\n", 1000), every: 50 * time.Millisecond, cut: true, atLeast: grace},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var cuts atomic.Int32
			d := NewDeadlines(DeadlineOptions{MinBodyRate: rate, BodyGrace: grace, OnSlowBody: func() { cuts.Add(1) }})
			results := make(chan bodyResult, 1)
			addr := deadlineServer(t, d, readingHandler(results))
			start := time.Now()
			conn, br := sendHeaders(t, addr, tt.header)
			go sendPaced(conn, tt.chunks, tt.every)
			res, body := readAnswer(t, br, conn, 15*time.Second)
			took := time.Since(start)
			got := <-results
			if !tt.cut {
				if got.err != nil || got.n != tt.n || res.StatusCode != 200 {
					t.Fatalf("handler read %d bytes, %v; answer %d %q; want all %d bytes and 200", got.n, got.err, res.StatusCode, body, tt.n)
				}
				if cuts.Load() != 0 {
					t.Errorf("OnSlowBody called for a body that was not cut")
				}
				return
			}
			if !errors.Is(got.err, ErrSlowBody) || !errors.Is(got.err, os.ErrDeadlineExceeded) {
				t.Fatalf("handler's read error = %v, want ErrSlowBody wrapping the deadline", got.err)
			}
			if res.StatusCode != 400 || !res.Close {
				t.Errorf("answer %d, Connection: %q; want 400 and close", res.StatusCode, res.Header.Get("Connection"))
			}
			if !closedWithin(br, conn, 5*time.Second) {
				t.Error("the connection stayed open after the answer")
			}
			if took < tt.atLeast || took > 10*time.Second {
				t.Errorf("cut after %v, want at least %v (and well under 10s)", took, tt.atLeast)
			}
			if cuts.Load() != 1 {
				t.Errorf("OnSlowBody called %d times, want 1", cuts.Load())
			}
		})
	}
}

// TestBodyRateUnreadBody: a handler that answers without reading the
// body still bounds it, since net/http reads what is left before it
// answers, under the body's deadline.
func TestBodyRateUnreadBody(t *testing.T) {
	t.Parallel()
	d := NewDeadlines(DeadlineOptions{MinBodyRate: 200, BodyGrace: 300 * time.Millisecond})
	addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ignored") })
	start := time.Now()
	conn, br := sendHeaders(t, addr, "Content-Length: 1000\r\n")
	go sendPaced(conn, repeatChunks("x", 1000), 50*time.Millisecond)
	res, _ := readAnswer(t, br, conn, 15*time.Second)
	if closed := closedWithin(br, conn, 5*time.Second); res.StatusCode != 200 || !closed {
		t.Errorf("answer %d, closed %v; want 200 and the connection closed", res.StatusCode, closed)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v", took)
	}
}

// TestBodyRateLeavesFinishedBodyAlone: once a body is in, no deadline
// of its own is left on the connection. net/http watches the connection
// for the client going away after the body, and a stale deadline there
// would end the request's context while the handler still works.
func TestBodyRateLeavesFinishedBodyAlone(t *testing.T) {
	t.Parallel()
	d := NewDeadlines(DeadlineOptions{MinBodyRate: 1000, BodyGrace: 50 * time.Millisecond})
	ctxErr := make(chan error, 1)
	addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		// Well past the body's deadline (50ms + 10 bytes at 1000 B/s).
		time.Sleep(300 * time.Millisecond)
		ctxErr <- r.Context().Err()
		io.WriteString(w, "ok")
	})
	conn, br := sendHeaders(t, addr, "Content-Length: 10\r\n")
	io.WriteString(conn, "0123456789")
	res, _ := readAnswer(t, br, conn, 5*time.Second)
	if err := <-ctxErr; err != nil || res.StatusCode != 200 {
		t.Errorf("context ended (%v) after the body was in; answer %d", err, res.StatusCode)
	}
}

// TestDrain: on shutdown a trickling body is cut within about drainGrace
// although its grace had long to run, while an honest upload in progress
// completes.
func TestDrain(t *testing.T) {
	t.Parallel()
	d := NewDeadlines(DeadlineOptions{MinBodyRate: 200, BodyGrace: time.Minute})
	results := make(chan bodyResult, 3)
	addr := deadlineServer(t, d, readingHandler(results))
	// Expect: 100-continue makes the server say when the handler starts
	// reading: then both bodies are registered.
	open := func() (net.Conn, *bufio.Reader) {
		conn, br := sendHeaders(t, addr, "Content-Length: 1000\r\nExpect: 100-continue\r\n")
		if line, err := br.ReadString('\n'); err != nil || !strings.Contains(line, "100") {
			t.Fatalf("want 100 Continue, got %q, %v", line, err)
		}
		br.ReadString('\n')
		return conn, br
	}
	slowConn, slowBR := open()
	go sendPaced(slowConn, repeatChunks("x", 1000), 50*time.Millisecond)
	honestConn, honestBR := open()
	go sendPaced(honestConn, repeatChunks(strings.Repeat("x", 40), 25), 100*time.Millisecond) // 400 B/s

	start := time.Now()
	d.Drain()
	res, _ := readAnswer(t, slowBR, slowConn, 15*time.Second)
	took := time.Since(start)
	if closed := closedWithin(slowBR, slowConn, 5*time.Second); res.StatusCode != 400 || !closed {
		t.Errorf("trickler: answer %d, closed %v; want 400 and closed", res.StatusCode, closed)
	}
	if took < drainGrace || took > 10*time.Second {
		t.Errorf("trickler cut %v after the drain, want about %v", took, drainGrace)
	}
	res, body := readAnswer(t, honestBR, honestConn, 15*time.Second)
	if res.StatusCode != 200 {
		t.Errorf("honest upload: answer %d %q, want 200", res.StatusCode, body)
	}
	d.Drain() // a second call changes nothing

	// A body starting after the drain gets drainGrace from its start.
	late, lateBR := sendHeaders(t, addr, "Content-Length: 10\r\n")
	time.Sleep(drainGrace / 2)
	io.WriteString(late, "0123456789")
	if res, body := readAnswer(t, lateBR, late, 15*time.Second); res.StatusCode != 200 {
		t.Errorf("body started after the drain: answer %d %q, want 200", res.StatusCode, body)
	}
}

func TestHandlerDeadline(t *testing.T) {
	t.Parallel()
	const timeout = 200 * time.Millisecond
	t.Run("without a body, from the start", func(t *testing.T) {
		t.Parallel()
		d := NewDeadlines(DeadlineOptions{Handler: timeout})
		srvErr := make(chan error, 1)
		var took time.Duration
		addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			<-r.Context().Done()
			took = time.Since(start)
			srvErr <- r.Context().Err()
			w.WriteHeader(http.StatusServiceUnavailable)
		})
		res, err := http.Get("http://" + addr)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if err := <-srvErr; !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Err() = %v, want DeadlineExceeded", err)
		}
		if took > timeout+5*time.Second {
			t.Errorf("took %v", took)
		}
	})
	t.Run("counted from when the body is in", func(t *testing.T) {
		t.Parallel()
		d := NewDeadlines(DeadlineOptions{Handler: timeout, MinBodyRate: 200, BodyGrace: time.Second})
		type seen struct {
			errAfterBody error
			left         time.Duration
			errAtEnd     error
		}
		out := make(chan seen, 1)
		addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) {
			io.ReadAll(r.Body) // takes about 1s, five times the timeout
			var s seen
			s.errAfterBody = r.Context().Err()
			dl, _ := r.Context().Deadline()
			s.left = time.Until(dl)
			<-r.Context().Done()
			s.errAtEnd = r.Context().Err()
			out <- s
		})
		conn, br := sendHeaders(t, addr, "Content-Length: 200\r\n")
		go sendPaced(conn, repeatChunks(strings.Repeat("x", 20), 10), 100*time.Millisecond)
		readAnswer(t, br, conn, 15*time.Second)
		s := <-out
		if s.errAfterBody != nil {
			t.Errorf("context ended while the body arrived: %v", s.errAfterBody)
		}
		if s.left <= 0 || s.left > timeout {
			t.Errorf("deadline %v after the body was in, want within %v", s.left, timeout)
		}
		if !errors.Is(s.errAtEnd, context.DeadlineExceeded) {
			t.Errorf("Err() = %v, want DeadlineExceeded", s.errAtEnd)
		}
	})
}

// TestWriteDeadline: each write gets its own deadline, so a stream
// outlives write_timeout between events (and a flushed response has no
// handler deadline), but a client that stops reading is cut off.
func TestWriteDeadline(t *testing.T) {
	t.Parallel()
	const timeout = 100 * time.Millisecond
	t.Run("stream with long gaps", func(t *testing.T) {
		t.Parallel()
		d := NewDeadlines(DeadlineOptions{Write: timeout, Handler: timeout})
		ctxErr := make(chan error, 1)
		addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) {
			rc := http.NewResponseController(w)
			io.WriteString(w, "a")
			rc.Flush()
			time.Sleep(4 * timeout) // the gap between two events
			ctxErr <- r.Context().Err()
			io.WriteString(w, "b")
			rc.Flush()
		})
		res, err := http.Get("http://" + addr)
		if err != nil {
			t.Fatal(err)
		}
		raw, err := io.ReadAll(res.Body)
		res.Body.Close()
		if string(raw) != "ab" || err != nil {
			t.Errorf("stream read %q, %v; want both events", raw, err)
		}
		if err := <-ctxErr; err != nil {
			t.Errorf("a streaming handler's context ended: %v", err)
		}
	})
	t.Run("client stops reading", func(t *testing.T) {
		t.Parallel()
		d := NewDeadlines(DeadlineOptions{Write: timeout})
		writeErr := make(chan error, 1)
		addr := deadlineServer(t, d, func(w http.ResponseWriter, r *http.Request) {
			chunk := []byte(strings.Repeat("x", 64<<10))
			for {
				if _, err := w.Write(chunk); err != nil {
					writeErr <- err
					return
				}
			}
		})
		conn, err := net.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		defer conn.Close()
		io.WriteString(conn, "GET / HTTP/1.1\r\nHost: x\r\n\r\n") // and never read
		select {
		case err := <-writeErr:
			if !errors.Is(err, os.ErrDeadlineExceeded) {
				t.Errorf("write failed with %v, want the deadline", err)
			}
		case <-time.After(15 * time.Second):
			t.Fatal("the server kept writing to a client that does not read")
		}
	})
}
