package main

import (
	"errors"
	"net"
	"testing"
	"time"
)

// serverClosed reports whether the server closed c (a read fails other
// than by timing out), waiting up to wait for it.
func serverClosed(c net.Conn, wait time.Duration) bool {
	c.SetReadDeadline(time.Now().Add(wait))
	defer c.SetReadDeadline(time.Time{})
	_, err := c.Read(make([]byte, 1))
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return false
	}
	return err != nil
}

// TestIdleConnCap: past http.max_idle_conns idle keep-alive connections,
// the longest-idle ones are closed; the others, and connections in the
// middle of a request, stay; the server goes on serving, and the closed
// connections give their address's slots (http.max_conns_per_ip) back.
func TestIdleConnCap(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "http:\n  max_idle_conns: 4\n  max_conns_per_ip: 8\n", serverOpts{SQLite: true})
	conns := make([]net.Conn, 6)
	for i := range conns {
		conns[i] = ts.dialIdle(t)
		if s := getOnConn(t, conns[i], "/api/health"); s != 200 {
			t.Fatalf("connection %d got %d", i, s)
		}
	}
	// The server closes the two that went idle first. It sees a
	// connection go idle just after writing its response, so on a busy
	// machine the order may slip by one; the newest two must stay.
	var closed, kept []int
	deadline := time.Now().Add(10 * time.Second)
	for len(closed) < 2 && time.Now().Before(deadline) {
		closed, kept = nil, nil
		for i, c := range conns {
			if serverClosed(c, 20*time.Millisecond) {
				closed = append(closed, i)
			} else {
				kept = append(kept, i)
			}
		}
	}
	if len(closed) != 2 || closed[1] > 3 {
		t.Fatalf("closed connections %v of 6 (cap 4), want 2 of the four oldest", closed)
	}
	// The four left still serve, each becoming idle again.
	for _, i := range kept {
		if s := getOnConn(t, conns[i], "/api/health"); s != 200 {
			t.Errorf("idle connection %d, kept, got %d", i, s)
		}
	}
	// A connection with a request under way is not idle: open ones that
	// have sent nothing yet, up to the address's cap of 8 (4 idle + 4
	// new), which the two closed ones gave back.
	fresh := make([]net.Conn, 4)
	for i := range fresh {
		fresh[i] = ts.dialIdle(t)
	}
	if !closedUnread(ts.dialIdle(t)) {
		t.Error("a ninth connection from one address was served, over max_conns_per_ip 8")
	}
	for i, c := range fresh {
		if s := getOnConn(t, c, "/api/health"); s != 200 {
			t.Errorf("new connection %d got %d", i, s)
		}
	}
	for _, c := range append(conns, fresh...) {
		c.Close()
	}
	deadline = time.Now().Add(10 * time.Second)
	for !ts.answersOnNewConn("/api/health") {
		if time.Now().After(deadline) {
			t.Fatal("closing every connection did not free their slots")
		}
	}
	if n := ts.counterValue(t, "gatehouse_http_idle_connections_closed_total"); n == "0" || n == "" {
		t.Errorf("gatehouse_http_idle_connections_closed_total = %q, want the closed connections counted", n)
	}
}
