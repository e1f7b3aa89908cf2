package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// sqlExecer is what database/sql runs statements on: a pool, a
// connection or a transaction.
type sqlExecer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// bounds are what every call of one store shares: its time limit and
// the observer of its outcomes.
type bounds struct {
	// timeout is the deadline of one call: a statement outside a
	// transaction, or a whole transaction.
	timeout time.Duration
	obs     core.StoreObserver
}

// nopObserver is the observer when the store is given none.
type nopObserver struct{}

func (nopObserver) ObserveStore(bool, error) {}

// execer runs the store's statements: each under a deadline (its
// transaction's, or bounds.timeout from its start) and each reporting its
// outcome to the observer. Its errors are the driver's, except that a
// statement cut short by the store's own deadline wraps
// core.ErrStoreTimeout; wrap translates the rest.
type execer struct {
	raw sqlExecer
	b   *bounds
	// deadline is the transaction's; zero outside one.
	deadline time.Time
	// write marks a success as a committed write: a statement on the
	// writer outside a transaction (inside one, the commit is the write).
	write bool
}

// start returns the statement's context, bounded by the store's deadline.
func (e execer) start(ctx context.Context) (context.Context, context.CancelFunc) {
	if e.deadline.IsZero() {
		return context.WithTimeout(ctx, e.b.timeout)
	}
	return context.WithDeadline(ctx, e.deadline)
}

// finish classifies the statement's error and reports its outcome.
func (e execer) finish(parent, call context.Context, err error) error {
	err = timedOut(parent, call, err)
	e.b.obs.ObserveStore(e.write, translate(err))
	return err
}

// ExecContext runs a statement that returns no rows.
func (e execer) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	call, cancel := e.start(ctx)
	defer cancel()
	res, err := e.raw.ExecContext(call, query, args...)
	return res, e.finish(ctx, call, err)
}

// QueryContext runs a query; its deadline holds until the rows are
// closed.
func (e execer) QueryContext(ctx context.Context, query string, args ...any) (*rows, error) {
	call, cancel := e.start(ctx)
	rs, err := e.raw.QueryContext(call, query, args...)
	if err != nil {
		cancel()
		return nil, e.finish(ctx, call, err)
	}
	return &rows{Rows: rs, e: e, parent: ctx, call: call, cancel: cancel}, nil
}

// QueryRowContext runs a query of one row; its deadline holds until the
// row is scanned.
func (e execer) QueryRowContext(ctx context.Context, query string, args ...any) *row {
	call, cancel := e.start(ctx)
	return &row{r: e.raw.QueryRowContext(call, query, args...), e: e, parent: ctx, call: call, cancel: cancel}
}

// row is one row of QueryRowContext. Scan it once.
type row struct {
	r            *sql.Row
	e            execer
	parent, call context.Context
	cancel       context.CancelFunc
}

// Scan copies the row into dest (sql.ErrNoRows when there is none) and
// ends the statement.
func (r *row) Scan(dest ...any) error {
	defer r.cancel()
	return r.e.finish(r.parent, r.call, r.r.Scan(dest...))
}

// rows are the rows of QueryContext: database/sql's, with Err classified
// as the store's errors are, and Close ending the statement.
type rows struct {
	*sql.Rows
	e            execer
	parent, call context.Context
	cancel       context.CancelFunc
	closed       bool
}

// Err is the error that ended the iteration, if any.
func (r *rows) Err() error {
	return timedOut(r.parent, r.call, r.Rows.Err())
}

// Close closes the rows and reports the statement's outcome; closing
// again does nothing more.
func (r *rows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Err()
	cerr := r.Rows.Close()
	r.e.finish(r.parent, r.call, cmpErr(err, cerr))
	r.cancel()
	return cerr
}

// cmpErr is the first error that is not nil.
func cmpErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}

// timedOut wraps core.ErrStoreTimeout around err when the call failed
// because the store's own deadline passed while its caller was still
// waiting: interrupted, or still waiting for the writer connection.
// Errors of a caller that gave up stay as they are.
func timedOut(parent, call context.Context, err error) error {
	if err == nil || errors.Is(err, core.ErrUnavailable) || parent.Err() != nil || call.Err() == nil {
		return err
	}
	var se *sqlite.Error
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) ||
		(errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_INTERRUPT) {
		return fmt.Errorf("%w: %w", core.ErrStoreTimeout, err)
	}
	return err
}

// fail names op in a failure outside a statement (taking the writer,
// BEGIN, COMMIT), classifies it, reports it and translates it.
func (b *bounds) fail(parent, call context.Context, op string, err error) error {
	err = translate(timedOut(parent, call, err))
	b.obs.ObserveStore(false, err)
	return fmt.Errorf("sqlite: %s: %w", op, err)
}

// probeKey is the rate-limit counter Probe writes: no rate limit is
// keyed like it, and housekeeping prunes it an hour after the last probe.
const probeKey = "gatehouse:probe"

// Probe checks that the database answers a read of the users table and,
// with write, that it takes a small write (a counter only Probe uses), so
// a full disk or a held lock shows. Both report their outcome to the
// observer like any other call.
func (db *DB) Probe(ctx context.Context, write bool) error {
	var one int
	err := db.read.QueryRowContext(ctx, `SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1)`).Scan(&one)
	if err != nil || !write {
		return wrap("probe", err)
	}
	now := time.Now()
	_, err = db.write.ExecContext(ctx, `INSERT INTO rate_limits (key, window_start, count, expires)
		VALUES (?, 0, 1, ?)
		ON CONFLICT (key, window_start) DO UPDATE SET count = count + 1, expires = excluded.expires`,
		probeKey, now.Add(time.Hour).UnixMilli())
	return wrap("probe write", err)
}
