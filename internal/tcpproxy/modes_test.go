package tcpproxy

import (
	"bufio"
	"errors"
	"net"
	"syscall"
	"testing"
	"time"
)

// Reset aborts open connections with RST, so the client reads "connection
// reset by peer" rather than an orderly end, and new connections go
// through at once.
func TestReset(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	if _, err := c.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := r.ReadString('\n'); err != nil {
		t.Fatal(err)
	}

	p.Reset()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := r.Read(make([]byte, 1)); !errors.Is(err, syscall.ECONNRESET) {
		t.Fatalf("read from a reset connection = %d bytes, %v; want ECONNRESET", n, err)
	}
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Fatalf("a new connection after the reset: %q, %v", got, err)
	}
}

// Reset also releases a connection held by a freeze, and the proxy stays
// frozen for the connections that come after.
func TestResetWhileFrozen(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	p.Freeze()
	if _, err := c.Write([]byte("held\n")); err != nil {
		t.Fatal(err)
	}
	p.Reset()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes from a connection reset while frozen", n)
	}
	if _, err := roundTripWithin(p.Addr(), 300*time.Millisecond); err == nil {
		t.Error("a new connection was answered while the proxy is frozen")
	}
	p.Thaw()
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Errorf("after the thaw: %q, %v", got, err)
	}
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close did not return")
	}
}

// Delay holds each chunk for its duration either way: a round trip takes
// at least twice the delay, and setting it back to zero makes it fast
// again on the same connection.
func TestDelay(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	r := bufio.NewReader(c)
	echoTook := func() time.Duration {
		t.Helper()
		start := time.Now()
		if _, err := c.Write([]byte("x\n")); err != nil {
			t.Fatal(err)
		}
		if got, err := r.ReadString('\n'); err != nil || got != "x\n" {
			t.Fatalf("echo: %q, %v", got, err)
		}
		return time.Since(start)
	}
	const d = 150 * time.Millisecond
	p.Delay(d)
	if took := echoTook(); took < 2*d {
		t.Errorf("round trip with a %s delay took %s, want at least %s", d, took, 2*d)
	}
	p.Delay(0)
	if took := echoTook(); took >= d {
		t.Errorf("round trip without delay took %s, want well under %s", took, d)
	}
}

// roundTripWithin is roundTrip with its own read deadline.
func roundTripWithin(addr string, d time.Duration) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(d))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}
