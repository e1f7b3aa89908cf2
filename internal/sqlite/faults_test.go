package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// observer records what the store reports: each outcome as a condition's
// code, "ok" or "ok write".
type observer struct {
	mu   sync.Mutex
	seen []string
}

func (o *observer) ObserveStore(write bool, err error) {
	o.mu.Lock()
	defer o.mu.Unlock()
	switch cd, ok := core.ConditionOf(err); {
	case ok:
		o.seen = append(o.seen, string(cd))
	case err == nil && write:
		o.seen = append(o.seen, "ok write")
	case err == nil:
		o.seen = append(o.seen, "ok")
	default:
		o.seen = append(o.seen, "other")
	}
}

// saw reports whether the store reported what.
func (o *observer) saw(what string) bool {
	o.mu.Lock()
	defer o.mu.Unlock()
	for _, s := range o.seen {
		if s == what {
			return true
		}
	}
	return false
}

func (o *observer) reset() { o.mu.Lock(); o.seen = nil; o.mu.Unlock() }

// openObserved opens a migrated store with short limits and an observer.
func openObserved(t *testing.T, opts Options) (*DB, *observer, string) {
	t.Helper()
	obs := &observer{}
	opts.Observer = obs
	path := filepath.Join(t.TempDir(), "g.db")
	db, err := Open(t.Context(), path, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db, obs, path
}

// wantCode fails unless err reads in core as unavailable with code.
func wantCode(t *testing.T, what string, err error, code string) {
	t.Helper()
	ce := core.AsError(err)
	if ce.Kind != core.KindUnavailable || ce.Code != code || ce.RetryAfter <= 0 {
		t.Errorf("%s = %v (%s %s), want unavailable %s with a Retry-After", what, err, ce.Kind, ce.Code, code)
	}
}

func user(id string) core.User {
	now := time.Now()
	return core.User{ID: id, CollectionID: "c", Email: id + "@example.com", Created: now, Updated: now}
}

// Another process holding the write lock makes writes fail as busy once
// busy_timeout has passed (not at the query timeout, not as a 500), and
// they succeed again, reported as writes, once it lets go.
func TestLockedDatabaseIsBusy(t *testing.T) {
	db, obs, path := openObserved(t, Options{BusyTimeout: 200 * time.Millisecond, QueryTimeout: 5 * time.Second})
	other, err := sql.Open("sqlite", dsn(path, false, time.Second))
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	conn, err := other.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(t.Context(), "BEGIN IMMEDIATE"); err != nil {
		t.Fatal(err)
	}

	for name, write := range map[string]func() error{
		"InsertUser": func() error { return db.InsertUser(t.Context(), user("a")) },
		"InTx": func() error {
			return db.InTx(t.Context(), func(q core.Queries) error { return q.InsertUser(t.Context(), user("b")) })
		},
		"Probe write": func() error { return db.Probe(t.Context(), true) },
	} {
		start := time.Now()
		err := write()
		wantCode(t, name+" while another process holds the lock", err, core.CodeStoreBusy)
		if d := time.Since(start); d > 2*time.Second {
			t.Errorf("%s waited %v for the lock, want about the 200ms busy_timeout", name, d)
		}
	}
	if !obs.saw(core.CodeStoreBusy) {
		t.Errorf("the observer saw %q, want store_busy", obs.seen)
	}
	if err := db.Probe(t.Context(), false); err != nil {
		t.Errorf("a read while the lock is held = %v, want nil (WAL readers do not wait)", err)
	}

	if _, err := conn.ExecContext(t.Context(), "ROLLBACK"); err != nil {
		t.Fatal(err)
	}
	obs.reset()
	if err := db.InsertUser(t.Context(), user("a")); err != nil {
		t.Fatalf("InsertUser once the lock is released = %v", err)
	}
	if !obs.saw("ok write") {
		t.Errorf("the observer saw %q, want a write succeed", obs.seen)
	}
}

// A write that waits for the single writer connection longer than the
// query timeout (a transaction holds it) fails as a timeout; so does a
// statement of a transaction that has outrun its deadline. A caller that
// gives up is no timeout.
func TestQueryTimeout(t *testing.T) {
	const timeout = 300 * time.Millisecond
	db, obs, _ := openObserved(t, Options{QueryTimeout: timeout})
	ctx := t.Context()

	inside, release := make(chan struct{}), make(chan struct{})
	txDone := make(chan error, 1)
	go func() {
		txDone <- db.InTx(ctx, func(q core.Queries) error {
			if err := q.InsertUser(ctx, user("holder")); err != nil {
				return err
			}
			close(inside)
			<-release
			// The transaction's deadline has passed: its next
			// statement fails.
			return q.InsertUser(ctx, user("late"))
		})
	}()
	<-inside
	start := time.Now()
	err := db.InsertUser(ctx, user("waiter"))
	wantCode(t, "InsertUser waiting for the writer", err, core.CodeStoreTimeout)
	if d := time.Since(start); d < timeout/2 || d > timeout+time.Second {
		t.Errorf("InsertUser waited %v, want about the %v query timeout", d, timeout)
	}
	// Ensure the holder's deadline (started before ours) has passed.
	<-time.After(timeout)
	close(release)
	wantCode(t, "a statement after the transaction's deadline", <-txDone, core.CodeStoreTimeout)
	if !obs.saw(core.CodeStoreTimeout) {
		t.Errorf("the observer saw %q, want store_timeout", obs.seen)
	}
	if _, err := db.UserByID(ctx, "c", "holder"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("the timed-out transaction's first write: UserByID = %v, want not found (rolled back)", err)
	}

	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	obs.reset()
	err = db.InsertUser(cancelled, user("gone"))
	if err == nil || errors.Is(err, core.ErrUnavailable) {
		t.Errorf("InsertUser with a cancelled context = %v, want a plain error", err)
	}
	if obs.saw(core.CodeStoreTimeout) {
		t.Errorf("a caller giving up was reported as %q", obs.seen)
	}
	if err := db.InsertUser(ctx, user("after")); err != nil {
		t.Errorf("InsertUser after the timeouts = %v", err)
	}
}

// Rows read through the store keep their deadline until closed, and
// report their outcome then.
func TestRowsReportOnClose(t *testing.T) {
	db, obs, _ := openObserved(t, Options{})
	ctx := t.Context()
	for _, id := range []string{"a", "b", "c"} {
		if err := db.InsertUser(ctx, user(id)); err != nil {
			t.Fatal(err)
		}
	}
	obs.reset()
	page, err := db.ListUsers(ctx, "c", core.UserQuery{Limit: 10})
	if err != nil || len(page.Users) != 3 || page.Total != 3 {
		t.Fatalf("ListUsers = %+v, %v", page, err)
	}
	if !obs.saw("ok") || obs.saw("ok write") {
		t.Errorf("a list reported %q, want read successes only", obs.seen)
	}
}
