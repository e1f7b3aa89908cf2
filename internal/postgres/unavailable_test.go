package postgres

import (
	"context"
	"errors"
	"io"
	"net"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5/pgconn"
)

// wantUnavailable fails unless err is an outage core answers with 503.
func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	if !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("%s = %v, want an error wrapping core.ErrUnavailable", what, err)
		return
	}
	if k := core.AsError(err).Kind; k != core.KindUnavailable {
		t.Errorf("%s reads as %s in core, want %s", what, k, core.KindUnavailable)
	}
}

// Nothing listens on port 1: Open fails at once, as unavailable, and
// well within the connect timeout.
func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	const timeout = 2 * time.Second
	start := time.Now()
	_, err := Open(t.Context(), "postgres://postgres@127.0.0.1:1/postgres?sslmode=disable", Options{ConnectTimeout: timeout})
	wantUnavailable(t, "Open of an unreachable server", err)
	if d := time.Since(start); d > timeout+time.Second {
		t.Errorf("Open of an unreachable server took %v, want at most about %v", d, timeout)
	}
}

// A server that does not answer at all (it accepts connections but never
// speaks) costs one connect timeout, then reads as unavailable.
func TestOpenSilentServer(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ln.Close() })
	go func() {
		var held []net.Conn // kept open and silent until the test ends
		defer func() {
			for _, c := range held {
				c.Close()
			}
		}()
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			held = append(held, c)
		}
	}()
	const timeout = 500 * time.Millisecond
	start := time.Now()
	_, err = Open(t.Context(), "postgres://postgres@"+ln.Addr().String()+"/postgres?sslmode=disable", Options{ConnectTimeout: timeout})
	wantUnavailable(t, "Open of a silent server", err)
	if d := time.Since(start); d > timeout+2*time.Second {
		t.Errorf("Open of a silent server took %v, want about %v", d, timeout)
	}
}

// proxy forwards TCP connections from a local port to the test server,
// and can be stopped (every connection cut) and started again on the same
// port: the database going away and coming back, as the pool sees it.
type proxy struct {
	target string
	addr   string
	mu     sync.Mutex
	ln     net.Listener
	conns  map[net.Conn]struct{}
	wg     sync.WaitGroup
}

func (p *proxy) start(t *testing.T) {
	t.Helper()
	addr := p.addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatalf("proxy listen: %v", err)
	}
	p.mu.Lock()
	p.ln, p.addr, p.conns = ln, ln.Addr().String(), map[net.Conn]struct{}{}
	p.mu.Unlock()
	p.wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			p.wg.Go(func() { p.forward(c) })
		}
	})
}

// forward copies both ways between c and a new connection to the target
// until either side closes.
func (p *proxy) forward(c net.Conn) {
	up, err := net.Dial("tcp", p.target)
	if err != nil {
		c.Close()
		return
	}
	if !p.track(c, up) {
		return
	}
	done := make(chan struct{}, 2)
	go func() { io.Copy(up, c); done <- struct{}{} }()
	go func() { io.Copy(c, up); done <- struct{}{} }()
	<-done
	c.Close()
	up.Close()
	<-done
}

// track registers live connections; after stop it closes them instead.
func (p *proxy) track(conns ...net.Conn) bool {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.ln == nil {
		for _, c := range conns {
			c.Close()
		}
		return false
	}
	for _, c := range conns {
		p.conns[c] = struct{}{}
	}
	return true
}

// stop closes the listener and cuts every forwarded connection.
func (p *proxy) stop() {
	p.mu.Lock()
	if p.ln != nil {
		p.ln.Close()
		p.ln = nil
	}
	for c := range p.conns {
		c.Close()
	}
	p.mu.Unlock()
	p.wg.Wait()
}

// serverAddr is the host:port of the test server.
func serverAddr(t *testing.T, dsn string) string {
	t.Helper()
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		t.Fatalf("parse %s: %v", dsnEnv, err)
	}
	if strings.HasPrefix(cfg.Host, "/") {
		t.Fatalf("%s names a Unix socket; the outage test needs TCP", dsnEnv)
	}
	return net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
}

// viaProxy returns dsn with its host and port replaced by addr.
func viaProxy(t *testing.T, dsn, addr string) string {
	t.Helper()
	host, port, _ := net.SplitHostPort(addr)
	if strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://") {
		u, err := url.Parse(dsn)
		if err != nil {
			t.Fatal(err)
		}
		u.Host = addr
		return u.String()
	}
	return dsn + " host=" + host + " port=" + port
}

// The database goes away while the store is in use: calls fail fast as
// unavailable (503 in core), and work again once it is back, without
// reopening the store.
func TestOutageAndRecovery(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	p := &proxy{target: serverAddr(t, dsn)}
	p.start(t)
	t.Cleanup(p.stop)
	db := openDSN(t, viaProxy(t, dsn, p.addr), Options{ConnectTimeout: time.Second, AcquireTimeout: time.Second})
	ctx := t.Context()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insertCounter(t, db, "c")
	read := func() error { _, err := db.UserByID(ctx, core.UsersID, "c"); return err }
	if err := read(); err != nil {
		t.Fatalf("UserByID before the outage = %v", err)
	}

	p.stop()
	for i, call := range []struct {
		name string
		fn   func() error
	}{
		// The pooled connection is dead, then no new one connects.
		{"UserByID on a cut connection", read},
		{"UserByID while down", read},
		{"InTx while down", func() error {
			return db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) })
		}},
		{"Ping while down", func() error { return db.Ping(ctx) }},
	} {
		start := time.Now()
		err := call.fn()
		wantUnavailable(t, call.name, err)
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("call %d (%s) took %v, want it to fail fast", i, call.name, d)
		}
	}

	p.start(t) // the same port: the database is back
	deadline := time.Now().Add(5 * time.Second)
	var err error
	for err = read(); err != nil && time.Now().Before(deadline); err = read() {
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("UserByID after the database came back = %v", err)
	}
	err = db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) })
	if err != nil {
		t.Errorf("InTx after recovery = %v", err)
	}
	wantCounter(t, db, "c", 1)
}

// A pool whose connections are all taken makes the next call wait at
// most AcquireTimeout, then fail as unavailable rather than queue.
func TestPoolExhaustedIsUnavailable(t *testing.T) {
	t.Parallel()
	db := openDSN(t, freshSchema(t), Options{MaxConns: 2, AcquireTimeout: 300 * time.Millisecond})
	ctx := t.Context()
	var held []interface{ Release() }
	for range 2 {
		c, err := db.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	start := time.Now()
	wantUnavailable(t, "Ping with no free connection", db.Ping(ctx))
	if d := time.Since(start); d > 2*time.Second {
		t.Errorf("waiting for a connection took %v, want about 300ms", d)
	}
	for _, c := range held {
		c.Release()
	}
	if err := db.Ping(ctx); err != nil {
		t.Errorf("Ping once connections are free = %v", err)
	}

	// The caller giving up is not an outage.
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	if err := db.Ping(cancelled); err == nil || errors.Is(err, core.ErrUnavailable) {
		t.Errorf("Ping with a cancelled context = %v, want a plain error", err)
	}
}
