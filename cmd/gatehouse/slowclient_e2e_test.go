package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

// TestShutdownNotHeldBySlowBodies: 200 connections trickling a login's
// body at a byte a second, then a shutdown. Before issue 15 the shutdown
// waited its whole 30 s for them and left them open after; now their
// bodies are cut within about a second and run returns. The body grace
// is a minute here, so it is the shutdown that cuts them, not the
// grace running out.
//
// Not parallel: it counts the process's file descriptors, which other
// tests would change meanwhile.
func TestShutdownNotHeldBySlowBodies(t *testing.T) {
	ts := startServerWith(t, `
http:
  body_grace: 1m
  shutdown_timeout: 30s
  max_conns_per_ip: 1000
`, serverOpts{SQLite: true})
	base := openFDs()
	trs := ts.trickle(t, trickleOpts{N: 200, Every: time.Second, Length: 1000, Expect: true})
	held := openFDs()
	// Each trickler is in its body phase (it got its 100 Continue).
	for _, tr := range trs {
		select {
		case <-tr.gone:
			t.Fatalf("a trickler was cut before the shutdown: %q", tr.answer)
		default:
		}
	}

	start := time.Now()
	ts.cancel()
	ts.cancel = nil
	select {
	case err := <-ts.done:
		if err != nil {
			t.Fatalf("run: %v", err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("run did not return within http.shutdown_timeout")
	}
	took := time.Since(start)
	if took > 10*time.Second {
		t.Errorf("shutdown took %v with 200 trickling bodies, want well under the 30s timeout", took)
	}
	if n := waitGone(trs, 5*time.Second); n != len(trs) {
		t.Fatalf("%d of %d trickling connections still open after the shutdown", len(trs)-n, len(trs))
	}
	for _, tr := range trs {
		if s := answerStatus(tr.answer); s != 400 && tr.answer != "" {
			t.Fatalf("a trickler got %q, want the 400 or nothing", tr.answer)
		}
	}
	after := openFDs()
	t.Logf("200 trickling bodies: shutdown took %v; file descriptors %d before, %d with them open, %d after", took.Round(time.Millisecond), base, held, after)
	if base > 0 && after > base {
		t.Errorf("%d file descriptors after the shutdown, more than the %d before the tricklers", after, base)
	}
}

// TestSlowBodiesCutOff: trickling bodies are cut once they fall behind
// the minimum rate, answered with PocketBase's 400 for an unreadable
// body and disconnected, while a normal login and an honest slow one
// (twice the minimum rate, for three times the grace) succeed beside
// them.
func TestSlowBodiesCutOff(t *testing.T) {
	t.Parallel()
	const grace = 500 * time.Millisecond
	ts := startServerWith(t, `
http:
  min_body_rate: 100
  body_grace: 500ms
`, serverOpts{SQLite: true})
	ts.signUp(t, "hana@example.com", "hana password")

	start := time.Now()
	trs := ts.trickle(t, trickleOpts{N: 20, Every: 100 * time.Millisecond, Length: 1000}) // 10 B/s
	ts.loginAs(t, "hana@example.com", "hana password").want(t, 200)
	honest := make(chan response, 1)
	go func() { honest <- ts.slowLogin("hana@example.com", "hana password", 300, 20, 100*time.Millisecond) }() // 200 B/s for 1.5s

	if n := waitGone(trs, 15*time.Second); n != len(trs) {
		t.Fatalf("%d of %d trickling connections still open after 15s", len(trs)-n, len(trs))
	}
	for _, tr := range trs {
		if took := tr.at.Sub(start); took < grace {
			t.Errorf("a trickler was cut after %v, before its grace of %v", took, grace)
		}
		res, err := http.ReadResponse(bufio.NewReader(strings.NewReader(tr.answer)), nil)
		if err != nil {
			t.Fatalf("a trickler got %q: %v", tr.answer, err)
		}
		raw, _ := io.ReadAll(res.Body)
		if res.StatusCode != 400 || !res.Close || !strings.Contains(string(raw), msgLoadData) {
			t.Fatalf("a trickler got %d (close %v) %q, want 400 %q and the connection closed", res.StatusCode, res.Close, raw, msgLoadData)
		}
	}
	if r := <-honest; r.Status != 200 {
		t.Errorf("the honest slow login answered %d %s", r.Status, r.Raw)
	}
	if n := ts.counterValue(t, "gatehouse_http_slow_bodies_total"); n != "20" {
		t.Errorf("gatehouse_http_slow_bodies_total = %q, want 20", n)
	}
}

// TestConnCapPerIP: an address holding http.max_conns_per_ip
// connections has its next one closed unread, and gets a slot back when
// it closes one; a trusted proxy has no cap.
func TestConnCapPerIP(t *testing.T) {
	t.Parallel()
	t.Run("capped", func(t *testing.T) {
		t.Parallel()
		ts := startServerWith(t, "http:\n  max_conns_per_ip: 4\n", serverOpts{SQLite: true})
		conns := make([]net.Conn, 4)
		for i := range conns {
			conns[i] = ts.dialIdle(t)
		}
		// Each holds its slot once it serves a request.
		for _, c := range conns {
			if s := getOnConn(t, c, "/api/health"); s != 200 {
				t.Fatalf("a connection within the cap got %d", s)
			}
		}
		extra := ts.dialIdle(t)
		if !closedUnread(extra) {
			t.Fatal("a fifth connection from the same address was served, over a cap of 4")
		}
		conns[0].Close()
		// The slot comes back once the server has seen the close: retry
		// until it has, which is no guess at a duration.
		deadline := time.Now().Add(10 * time.Second)
		for {
			c := ts.dialIdle(t)
			if !closedUnread(c) {
				if s := getOnConn(t, c, "/api/health"); s != 200 {
					t.Fatalf("the freed slot's connection got %d", s)
				}
				conns[0] = c
				break
			}
			if time.Now().After(deadline) {
				t.Fatal("closing a connection did not free its slot")
			}
		}
		for _, c := range conns { // make room for the metrics request
			c.Close()
		}
		for !ts.answersOnNewConn("/api/health") {
			if time.Now().After(deadline) {
				t.Fatal("closing every connection did not free their slots")
			}
		}
		if n := ts.counterValue(t, "gatehouse_http_connections_refused_total"); n == "0" || n == "" {
			t.Errorf("gatehouse_http_connections_refused_total = %q, want the refusals counted", n)
		}
		if !strings.Contains(ts.stderr.String(), "connection cap reached") {
			t.Error("reaching the cap was not logged")
		}
	})
	t.Run("trusted proxy exempt", func(t *testing.T) {
		t.Parallel()
		ts := startServerWith(t, "http:\n  max_conns_per_ip: 2\n", serverOpts{SQLite: true, Env: map[string]string{"GATEHOUSE_TRUSTED_PROXIES": "127.0.0.1"}})
		for range 5 {
			if s := getOnConn(t, ts.dialIdle(t), "/api/health"); s != 200 {
				t.Fatalf("a connection from the trusted proxy got %d", s)
			}
		}
	})
}

// TestRealtimeOutlivesHandlerAndWriteTimeouts: PocketBase's realtime
// stream stays open across gaps longer than handler_timeout and
// write_timeout, and still delivers.
func TestRealtimeOutlivesHandlerAndWriteTimeouts(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "http:\n  handler_timeout: 200ms\n  write_timeout: 200ms\n", serverOpts{SQLite: true})
	rt := openRealtimeOn(t, ts)
	ts.do(t, "POST", "/api/realtime", map[string]any{"clientId": rt.clientID, "subscriptions": []string{"@oauth2"}}).want(t, 204)
	time.Sleep(time.Second) // five times either timeout, with nothing written
	ts.do(t, "GET", "/api/oauth2-redirect?code=late&state="+url.QueryEscape(rt.clientID), nil).want(t, 200)
	wantEvent(t, rt.next(t), map[string]string{"state": rt.clientID, "code": "late"})
}

// slowLogin sends a password login whose body (padded with spaces to
// size bytes) arrives chunk bytes per every, and returns the answer.
func (ts *testServer) slowLogin(email, password string, size, chunk int, every time.Duration) response {
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, email, password)
	body += strings.Repeat(" ", size-len(body))
	conn, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		return response{Raw: err.Error()}
	}
	defer conn.Close()
	fmt.Fprintf(conn, "POST /api/collections/users/auth-with-password HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n", len(body))
	tick := time.NewTicker(every)
	defer tick.Stop()
	for i := 0; i < len(body); i += chunk {
		if i > 0 {
			<-tick.C
		}
		if _, err := io.WriteString(conn, body[i:min(i+chunk, len(body))]); err != nil {
			return response{Raw: err.Error()}
		}
	}
	res, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		return response{Raw: err.Error()}
	}
	defer res.Body.Close()
	raw, _ := io.ReadAll(res.Body)
	return response{Status: res.StatusCode, Raw: string(raw)}
}

// metricLine matches one unlabelled sample of the exposition format.
var metricLine = regexp.MustCompile(`(?m)^(\w+) (\S+)$`)

// counterValue returns the value of an unlabelled metric at /metrics, or "".
func (ts *testServer) counterValue(t testing.TB, name string) string {
	t.Helper()
	for _, m := range metricLine.FindAllStringSubmatch(ts.do(t, "GET", "/metrics", nil).want(t, 200).Raw, -1) {
		if m[1] == name {
			return m[2]
		}
	}
	return ""
}

// answersOnNewConn reports whether a GET of path on a new connection is
// answered at all.
func (ts *testServer) answersOnNewConn(path string) bool {
	c := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 10 * time.Second}
	res, err := c.Get(ts.URL + path)
	if err != nil {
		return false
	}
	res.Body.Close()
	return true
}

// dialIdle opens a connection to ts without sending anything.
func (ts *testServer) dialIdle(t testing.TB) net.Conn {
	t.Helper()
	c, err := net.Dial("tcp", strings.TrimPrefix(ts.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// closedUnread reports whether the server closed c without a word: a
// request on it gets no answer.
func closedUnread(c net.Conn) bool {
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	if _, err := io.WriteString(c, "GET /api/health HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
		return true
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return true
	}
	res.Body.Close()
	return false
}

// getOnConn sends a GET on c (kept alive) and returns the status, or 0.
func getOnConn(t testing.TB, c net.Conn, path string) int {
	t.Helper()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	defer c.SetDeadline(time.Time{})
	fmt.Fprintf(c, "GET %s HTTP/1.1\r\nHost: x\r\n\r\n", path)
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		return 0
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}
