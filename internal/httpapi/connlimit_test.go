package httpapi

import (
	"bytes"
	"errors"
	"io"
	"log/slog"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestConnLimitKey(t *testing.T) {
	t.Parallel()
	l := LimitConnsPerIP(nil, ConnLimitOptions{PerIP: 1, Exempt: []netip.Prefix{netip.MustParsePrefix("10.0.0.0/8")}}).(*limitListener)
	tcp := func(s string) net.Addr { return net.TCPAddrFromAddrPort(netip.MustParseAddrPort(s)) }
	tests := []struct {
		name string
		addr net.Addr
		want string // "" means not capped
	}{
		{"IPv4", tcp("192.0.2.1:5000"), "192.0.2.1"},
		{"IPv4-mapped is IPv4", tcp("[::ffff:192.0.2.1]:5000"), "192.0.2.1"},
		{"IPv6 counts by its /64", tcp("[2001:db8:1:2:aaaa::1]:5000"), "2001:db8:1:2::"},
		{"another host of the /64", tcp("[2001:db8:1:2:bbbb::7]:5000"), "2001:db8:1:2::"},
		{"the next /64", tcp("[2001:db8:1:3::1]:5000"), "2001:db8:1:3::"},
		{"zone dropped", tcp("[fe80::1%eth0]:5000"), "fe80::"},
		{"exempt proxy", tcp("10.1.2.3:5000"), ""},
		{"exempt proxy, mapped", tcp("[::ffff:10.1.2.3]:5000"), ""},
		{"unix socket", &net.UnixAddr{Name: "/tmp/x", Net: "unix"}, ""},
	}
	for _, tt := range tests {
		key, ok := l.key(tt.addr)
		got := ""
		if ok {
			got = key.String()
		}
		if got != tt.want {
			t.Errorf("%s: key(%v) = %q, want %q", tt.name, tt.addr, got, tt.want)
		}
	}
}

// capServer accepts on a loopback listener behind the cap and hands the
// accepted connections over.
func capServer(t *testing.T, opts ConnLimitOptions) (addr string, accepted <-chan net.Conn) {
	t.Helper()
	inner, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln := LimitConnsPerIP(inner, opts)
	t.Cleanup(func() { ln.Close() })
	ch := make(chan net.Conn, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				close(ch)
				return
			}
			ch <- c
		}
	}()
	return ln.Addr().String(), ch
}

// dial connects and says whether the server accepted (the connection
// came out of Accept) or refused it (closed it unread).
func dial(t *testing.T, addr string, accepted <-chan net.Conn) (client, server net.Conn) {
	t.Helper()
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	// A refused connection reads EOF (or a reset) at once; an accepted
	// one comes out of Accept. Watch for both.
	gone, watched := make(chan struct{}), make(chan struct{})
	c.SetReadDeadline(time.Now().Add(10 * time.Second))
	go func() {
		defer close(watched)
		if _, err := c.Read(make([]byte, 1)); err != nil && !isTimeout(err) {
			close(gone)
		}
	}()
	select {
	case s := <-accepted:
		t.Cleanup(func() { s.Close() })
		// Stop watching before the server writes anything, so the
		// watch takes no byte from the caller.
		c.SetReadDeadline(time.Now())
		<-watched
		c.SetReadDeadline(time.Time{})
		return c, s
	case <-gone:
		return c, nil
	case <-time.After(10 * time.Second):
		t.Fatal("connection neither accepted nor refused")
		return nil, nil
	}
}

// lockedBuffer is a log the listener's goroutine writes while the test
// reads it: the refusal is logged before the connection is closed, but
// the race detector cannot see that order through the network.
type lockedBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *lockedBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *lockedBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}

func TestConnLimit(t *testing.T) {
	t.Parallel()
	loopback := []netip.Prefix{netip.MustParsePrefix("127.0.0.0/8")}
	tests := []struct {
		name   string
		opts   ConnLimitOptions
		dials  int
		accept int
	}{
		{"under the cap", ConnLimitOptions{PerIP: 3}, 3, 3},
		{"over the cap", ConnLimitOptions{PerIP: 2}, 5, 2},
		{"exempt proxy", ConnLimitOptions{PerIP: 1, Exempt: loopback}, 4, 4},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var refused atomic.Int32
			var logs lockedBuffer
			tt.opts.OnRefuse = func() { refused.Add(1) }
			tt.opts.Log = slog.New(slog.NewTextHandler(&logs, nil))
			addr, accepted := capServer(t, tt.opts)
			got := 0
			for range tt.dials {
				if _, s := dial(t, addr, accepted); s != nil {
					got++
				}
			}
			if got != tt.accept || int(refused.Load()) != tt.dials-tt.accept {
				t.Errorf("accepted %d, refused %d; want %d and %d", got, refused.Load(), tt.accept, tt.dials-tt.accept)
			}
			if warned := strings.Count(logs.String(), "connection cap reached"); warned != min(tt.dials-tt.accept, 1) {
				t.Errorf("logged %d warnings, want one per address reaching the cap:\n%s", warned, logs.String())
			}
		})
	}
}

// TestConnLimitReleases: a closed connection frees its slot, once
// however often it is closed, and an address that dropped below the cap
// is logged again when it reaches it anew.
func TestConnLimitReleases(t *testing.T) {
	t.Parallel()
	var logs lockedBuffer
	addr, accepted := capServer(t, ConnLimitOptions{PerIP: 2, Log: slog.New(slog.NewTextHandler(&logs, nil))})
	_, a := dial(t, addr, accepted)
	_, b := dial(t, addr, accepted)
	if a == nil || b == nil {
		t.Fatal("connections under the cap refused")
	}
	if _, c := dial(t, addr, accepted); c != nil {
		t.Fatal("third connection accepted over a cap of 2")
	}
	a.Close()
	a.Close() // a second Close must not free a second slot
	if _, c := dial(t, addr, accepted); c == nil {
		t.Fatal("the slot of a closed connection was not freed")
	}
	if _, c := dial(t, addr, accepted); c != nil {
		t.Fatal("a double Close freed two slots")
	}
	if n := strings.Count(logs.String(), "connection cap reached"); n != 2 {
		t.Errorf("logged %d warnings, want 2 (one per time the cap was reached):\n%s", n, logs.String())
	}
}

// TestConnLimitCloseWrite: the half-close net/http uses before closing
// a connection with an unread body reaches the socket, so the client
// reads the whole answer and then EOF.
func TestConnLimitCloseWrite(t *testing.T) {
	t.Parallel()
	addr, accepted := capServer(t, ConnLimitOptions{PerIP: 1})
	client, server := dial(t, addr, accepted)
	cw, ok := server.(interface{ CloseWrite() error })
	if !ok {
		t.Fatal("capped connection has no CloseWrite")
	}
	io.WriteString(server, "answer")
	if err := cw.CloseWrite(); err != nil {
		t.Fatal(err)
	}
	client.SetReadDeadline(time.Now().Add(10 * time.Second))
	got, err := io.ReadAll(client)
	if string(got) != "answer" || err != nil {
		t.Errorf("client read %q, %v; want the answer then EOF", got, err)
	}
}
