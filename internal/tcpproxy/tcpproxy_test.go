package tcpproxy

import (
	"bufio"
	"errors"
	"io"
	"net"
	"testing"
	"time"
)

// echo starts a line echo server and returns its address.
func echo(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go func() { _, _ = io.Copy(c, c); c.Close() }()
		}
	}()
	return ln.Addr().String()
}

// roundTrip dials addr, sends a line and returns what came back.
func roundTrip(addr string) (string, error) {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	if _, err := c.Write([]byte("ping\n")); err != nil {
		return "", err
	}
	return bufio.NewReader(c).ReadString('\n')
}

func TestDownAndUp(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Fatalf("up: %q, %v", got, err)
	}

	// A connection open when the proxy goes down is cut.
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	if _, err := bufio.NewReader(c).ReadString('\n'); err != nil {
		t.Fatal(err)
	}
	p.Down()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Fatalf("read %d bytes from a cut connection", n)
	}
	if got, err := roundTrip(p.Addr()); err == nil {
		t.Fatalf("down: got %q, want an error", got)
	}

	p.Up()
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Fatalf("up again: %q, %v", got, err)
	}
}

// A frozen proxy keeps connections open, old and new, and forwards
// nothing; on Thaw what waited is delivered and forwarding goes on.
func TestFreezeAndThaw(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	old, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()
	oldR := bufio.NewReader(old)
	if _, err := old.Write([]byte("before\n")); err != nil {
		t.Fatal(err)
	}
	if got, err := oldR.ReadString('\n'); err != nil || got != "before\n" {
		t.Fatalf("before the freeze: %q, %v", got, err)
	}

	p.Freeze()
	p.Freeze() // freezing twice is harmless
	fresh, err := net.DialTimeout("tcp", p.Addr(), time.Second)
	if err != nil {
		t.Fatalf("dial a frozen proxy = %v, want it accepted", err)
	}
	defer fresh.Close()
	freshR := bufio.NewReader(fresh)
	for name, c := range map[string]net.Conn{"open": old, "new": fresh} {
		if _, err := c.Write([]byte(name + "\n")); err != nil {
			t.Fatalf("write to a frozen %s connection = %v, want it taken", name, err)
		}
	}
	for name, r := range map[string]struct {
		c net.Conn
		r *bufio.Reader
	}{"open": {old, oldR}, "new": {fresh, freshR}} {
		_ = r.c.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
		got, err := r.r.ReadString('\n')
		var ne net.Error
		if !errors.As(err, &ne) || !ne.Timeout() {
			t.Errorf("read from a frozen %s connection = %q, %v; want nothing until the deadline", name, got, err)
		}
		_ = r.c.SetReadDeadline(time.Time{})
	}

	p.Thaw()
	p.Thaw()
	for name, r := range map[string]*bufio.Reader{"open": oldR, "new": freshR} {
		if got, err := r.ReadString('\n'); err != nil || got != name+"\n" {
			t.Errorf("after the thaw, the %s connection got %q, %v; want what waited", name, got, err)
		}
	}
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Errorf("after the thaw: %q, %v", got, err)
	}
}

// Down cuts frozen connections too, and Close does not wait for a thaw.
func TestDownWhileFrozen(t *testing.T) {
	p, err := Start(echo(t))
	if err != nil {
		t.Fatal(err)
	}
	c, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Fatalf("up: %q, %v", got, err)
	}
	p.Freeze()
	if _, err := c.Write([]byte("held\n")); err != nil {
		t.Fatal(err)
	}
	p.Down()
	_ = c.SetReadDeadline(time.Now().Add(2 * time.Second))
	if n, err := c.Read(make([]byte, 1)); err == nil {
		t.Errorf("read %d bytes from a connection cut while frozen", n)
	}
	p.Up()
	p.Thaw()
	if got, err := roundTrip(p.Addr()); err != nil || got != "ping\n" {
		t.Errorf("up and thawed: %q, %v", got, err)
	}
	p.Freeze()
	held, err := net.Dial("tcp", p.Addr())
	if err != nil {
		t.Fatal(err)
	}
	defer held.Close()
	if _, err := held.Write([]byte("x\n")); err != nil {
		t.Fatal(err)
	}
	closed := make(chan error, 1)
	go func() { closed <- p.Close() }()
	select {
	case <-closed:
	case <-time.After(5 * time.Second):
		t.Fatal("Close of a frozen proxy did not return")
	}
}
