package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/tcpproxy"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Every SQLSTATE and failure the store knows as a temporary condition
// reads as its own code in core; statement errors and a caller that gave
// up read as none.
func TestConditionTranslation(t *testing.T) {
	t.Parallel()
	pg := func(code string) error { return fmt.Errorf("exec: %w", &pgconn.PgError{Code: code}) }
	for _, tc := range []struct {
		name string
		err  error
		code string // "" for no condition
	}{
		{"disk_full", pg("53100"), core.CodeStoreFull},
		{"out_of_memory", pg("53200"), core.CodeStoreBusy},
		{"too_many_connections", pg("53300"), core.CodeStoreBusy},
		{"lock_not_available", pg("55P03"), core.CodeStoreBusy},
		{"serialization_failure", pg("40001"), core.CodeStoreBusy},
		{"deadlock_detected", pg("40P01"), core.CodeStoreBusy},
		{"query_canceled", pg("57014"), core.CodeStoreTimeout},
		{"admin_shutdown", pg("57P01"), core.CodeStoreUnavailable},
		{"crash_shutdown", pg("57P02"), core.CodeStoreUnavailable},
		{"cannot_connect_now", pg("57P03"), core.CodeStoreUnavailable},
		{"connection_failure", pg("08006"), core.CodeStoreUnavailable},
		{"connection closed", fmt.Errorf("read: %w", io.ErrUnexpectedEOF), core.CodeStoreUnavailable},
		{"connect error", &pgconn.ConnectError{}, core.CodeStoreUnavailable},
		{"syntax error", pg("42601"), ""},
		{"check violation", pg("23514"), ""},
		{"a plain error", errors.New("boom"), ""},
	} {
		got := ""
		if cd, ok := core.ConditionOf(translate(context.Background(), tc.err)); ok {
			got = string(cd)
		}
		if got != tc.code {
			t.Errorf("%s: condition %q, want %q", tc.name, got, tc.code)
		}
		gone, cancel := context.WithCancel(context.Background())
		cancel()
		if cd, ok := core.ConditionOf(translate(gone, tc.err)); ok {
			t.Errorf("%s with the caller gone: condition %s, want none", tc.name, cd)
		}
	}

	// The store's deadline passing while the caller waits is a timeout,
	// whatever pgx reports; a statement's own error at that moment is not.
	call, cancel := context.WithCancel(context.Background())
	cancel()
	for _, err := range []error{&net.OpError{Op: "read", Net: "tcp", Err: os.ErrDeadlineExceeded}, context.DeadlineExceeded, pg("53300")} {
		if cd, _ := core.ConditionOf(translate(context.Background(), timedOut(context.Background(), call, err))); cd != core.ConditionStoreTimeout {
			t.Errorf("timedOut(%v) reads as %q, want store_timeout", err, cd)
		}
	}
	for _, err := range []error{pg("23505"), pgx.ErrNoRows} {
		if cd, ok := core.ConditionOf(translate(context.Background(), timedOut(context.Background(), call, err))); ok {
			t.Errorf("an answer (%v) just at the deadline reads as %s", err, cd)
		}
	}
}

// observer records the codes of the conditions the store reports, and
// its successes.
type observer struct {
	mu                 sync.Mutex
	codes              []string
	reads, writes, any int
}

func (o *observer) ObserveStore(write bool, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.any++
	if cd, ok := core.ConditionOf(err); ok {
		o.codes = append(o.codes, string(cd))
		return
	}
	if err == nil && write {
		o.writes++
	} else if err == nil {
		o.reads++
	}
}

func (o *observer) snapshot() (codes []string, reads, writes int) {
	o.mu.Lock()
	defer o.mu.Unlock()
	return append([]string(nil), o.codes...), o.reads, o.writes
}

// wantCode fails unless err reads in core as unavailable with code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	ce := core.AsError(err)
	if ce.Kind != core.KindUnavailable || ce.Code != code || ce.RetryAfter <= 0 {
		t.Errorf("%s = %v (%s %s), want unavailable %s with a Retry-After", what, err, ce.Kind, ce.Code, code)
	}
}

// lockUser opens a session of its own on dsn that locks the row of user
// id until the test ends.
func lockUser(t *testing.T, dsn, id string) {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close(context.Background()) })
	tx, err := conn.Begin(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(t.Context(), `SELECT 1 FROM users WHERE id = $1 FOR UPDATE`, id); err != nil {
		t.Fatal(err)
	}
}

// A row another session holds locked makes a write fail as busy at
// lock_timeout; with a shorter statement_timeout, as a timeout at that.
// Either way the connection stays usable, and the store answers at once.
func TestLockAndStatementTimeouts(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name            string
		lock, statement time.Duration
		code            string
	}{
		{"lock_timeout", 300 * time.Millisecond, 5 * time.Second, core.CodeStoreBusy},
		{"statement_timeout", 5 * time.Second, 300 * time.Millisecond, core.CodeStoreTimeout},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			dsn := freshSchema(t)
			obs := &observer{}
			db := openDSN(t, dsn, Options{LockTimeout: tc.lock, StatementTimeout: tc.statement,
				QueryTimeout: 8 * time.Second, Observer: obs})
			if err := db.Migrate(t.Context()); err != nil {
				t.Fatal(err)
			}
			insertCounter(t, db, "c")
			u, err := db.UserByID(t.Context(), core.UsersID, "c")
			if err != nil {
				t.Fatal(err)
			}
			lockUser(t, dsn, "c")
			for name, call := range map[string]func() error{
				"UpdateUser": func() error { return db.UpdateUser(t.Context(), u) },
				"InTx": func() error {
					return db.InTx(t.Context(), func(q core.Queries) error { return increment(t.Context(), q, "c", func() {}) })
				},
			} {
				start := time.Now()
				wantCode(t, name+" of a locked row", call(), tc.code)
				if d := time.Since(start); d > 3*time.Second {
					t.Errorf("%s took %v, want about 300ms", name, d)
				}
			}
			if codes, _, _ := obs.snapshot(); len(codes) < 2 || codes[0] != tc.code {
				t.Errorf("the observer saw %q, want %s", codes, tc.code)
			}
			if err := db.Ping(t.Context()); err != nil {
				t.Errorf("Ping after the timeouts = %v", err)
			}
		})
	}
}

// Successes are reported, writes as writes: a statement that changes rows,
// a committed transaction and Probe's write.
func TestObserverHearsSuccesses(t *testing.T) {
	t.Parallel()
	obs := &observer{}
	db := openDSN(t, freshSchema(t), Options{Observer: obs})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	// step runs fn and returns how many reads and writes it reported.
	step := func(fn func() error) (reads, writes int) {
		t.Helper()
		_, r0, w0 := obs.snapshot()
		if err := fn(); err != nil {
			t.Fatal(err)
		}
		_, r1, w1 := obs.snapshot()
		return r1 - r0, w1 - w0
	}
	if _, w := step(func() error { insertCounter(t, db, "c"); return nil }); w != 1 {
		t.Errorf("InsertUser reported %d writes, want 1", w)
	}
	r, w := step(func() error {
		return db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) })
	})
	if r != 2 || w != 1 {
		t.Errorf("InTx reported %d reads, %d writes; want 2 (its statements), 1 (its commit)", r, w)
	}
	if r, w := step(func() error { return db.Probe(ctx, false) }); r != 1 || w != 0 {
		t.Errorf("Probe(read) reported %d reads, %d writes; want 1, 0", r, w)
	}
	if _, w := step(func() error { return db.Probe(ctx, true) }); w != 1 {
		t.Errorf("Probe(write) reported %d writes, want 1", w)
	}
}

// A frozen server (connections open, nothing answered) fails every call
// within the query timeout, whether it lands on an open pooled connection
// or needs a new one, and the store serves again once the server does,
// without reopening.
func TestFrozenServer(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	p, err := tcpproxy.Start(serverAddr(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	const queryTimeout = time.Second
	obs := &observer{}
	db := openDSN(t, viaProxy(t, dsn, p.Addr()), Options{MaxConns: 4, QueryTimeout: queryTimeout,
		AcquireTimeout: 600 * time.Millisecond, ConnectTimeout: time.Second, Observer: obs})
	ctx := t.Context()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insertCounter(t, db, "c")
	insertCounter(t, db, "d")
	// Open every connection of the pool, so the calls below land on open
	// ones first.
	var held []interface{ Release() }
	for range 4 {
		c, err := db.pool.Acquire(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
	}
	for _, c := range held {
		c.Release()
	}
	if n := db.pool.Stat().IdleConns(); n != 4 {
		t.Fatalf("%d idle connections before the freeze, want 4", n)
	}

	p.Freeze()
	calls := []func() error{
		func() error { _, err := db.UserByID(ctx, core.UsersID, "c"); return err },
		// Another row: a frozen server runs the statement it was
		// sent once it resumes, after the call gave up on it.
		func() error {
			return db.UpdateUser(ctx, core.User{ID: "d", CollectionID: core.UsersID, Name: "0"})
		},
		func() error {
			return db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) })
		},
		func() error { return db.Ping(ctx) },
	}
	var wg sync.WaitGroup
	for round := range 2 { // the second round meets connections the first one broke
		for i := range 6 {
			wg.Go(func() {
				start := time.Now()
				err := calls[i%len(calls)]()
				d := time.Since(start)
				ce := core.AsError(err)
				t.Logf("round %d call %d: %s after %v", round, i, ce.Code, d.Round(time.Millisecond))
				if ce.Kind != core.KindUnavailable || ce.RetryAfter <= 0 {
					t.Errorf("round %d call %d on a frozen server = %v, want unavailable with a Retry-After", round, i, err)
				}
				if d > queryTimeout+500*time.Millisecond {
					t.Errorf("round %d call %d on a frozen server took %v, want at most the %v query timeout", round, i, d, queryTimeout)
				}
			})
		}
		wg.Wait()
	}
	if codes, _, _ := obs.snapshot(); len(codes) == 0 || codes[0] != core.CodeStoreTimeout && codes[0] != core.CodeStoreBusy {
		t.Errorf("the observer saw %q, want store_timeout first", codes)
	}

	p.Thaw()
	deadline := time.Now().Add(10 * time.Second)
	for err = db.Ping(ctx); err != nil && time.Now().Before(deadline); err = db.Ping(ctx) {
		time.Sleep(50 * time.Millisecond)
	}
	if err != nil {
		t.Fatalf("Ping after the thaw = %v", err)
	}
	if err := db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) }); err != nil {
		t.Errorf("InTx after the thaw = %v", err)
	}
	wantCounter(t, db, "c", 1)
}

// TestResetPooledConnections: after the network resets every pooled
// connection while it is idle, no call fails for it: a statement or a
// transaction that meets a dead connection before anything reached the
// server runs again on another one.
func TestResetPooledConnections(t *testing.T) {
	t.Parallel()
	dsn := freshSchema(t)
	p, err := tcpproxy.Start(serverAddr(t, dsn))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	obs := &observer{}
	db := openDSN(t, viaProxy(t, dsn, p.Addr()), Options{MaxConns: 4, QueryTimeout: 5 * time.Second, Observer: obs})
	ctx := t.Context()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	insertCounter(t, db, "c")
	warm := func() {
		var held []interface{ Release() }
		for range 4 {
			c, err := db.pool.Acquire(ctx)
			if err != nil {
				t.Fatal(err)
			}
			held = append(held, c)
		}
		for _, c := range held {
			c.Release()
		}
	}
	for _, tc := range []struct {
		name string
		call func() error
	}{
		{"read", func() error { _, err := db.UserByID(ctx, core.UsersID, "c"); return err }},
		{"transaction", func() error {
			return db.InTx(ctx, func(q core.Queries) error { return increment(ctx, q, "c", func() {}) })
		}},
	} {
		warm()
		p.Reset()
		for i := range 8 { // every pooled connection is dead, and more
			if err := tc.call(); err != nil {
				t.Errorf("%s %d after the reset: %v", tc.name, i, err)
			}
		}
	}
	if codes, _, _ := obs.snapshot(); len(codes) != 0 {
		t.Errorf("the observer heard failures %q for calls that succeeded on another connection", codes)
	}
}
