package postgres

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// querier is what statements run on: a pooled connection outside a
// transaction, the transaction inside one.
type querier interface {
	Exec(ctx context.Context, sql string, args ...any) (pgconn.CommandTag, error)
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

var (
	_ querier = (*pgxpool.Conn)(nil)
	_ querier = pgx.Tx(nil)
)

// limits bound how long one call may wait, and say who hears of it.
type limits struct {
	// acquire bounds the wait for a pooled connection.
	acquire time.Duration
	// op bounds a whole call (the query timeout): waiting for a
	// connection, every statement, and for InTx every attempt and the
	// commit.
	op time.Duration
	// obs is told the outcome of every call.
	obs core.StoreObserver
}

// nopObserver is the observer when the store is given none.
type nopObserver struct{}

func (nopObserver) ObserveStore(bool, error) {}

// queries implements core.Queries. Outside a transaction (tx nil) each call
// takes a connection from pool for itself; inside InTx every call runs on
// the transaction, so fn reads its own writes.
type queries struct {
	pool   *pgxpool.Pool
	tx     pgx.Tx
	state  *txState // the transaction's, nil outside one
	limits *limits
	// deadline is the transaction's (every statement of it shares
	// one); zero outside one.
	deadline time.Time
}

var _ core.Queries = queries{}

// txState is what InTx learns from the statements of one attempt.
type txState struct {
	// retry is set when a statement failed in a way that a fresh attempt
	// can cure (a serialization failure or deadlock), even if fn then
	// swallowed the error: the transaction is aborted either way.
	retry bool
}

// run runs fn on a connection (the transaction's, or one from the pool
// that it waits at most limits.acquire for), bounds the call by the
// store's deadline (limits.op from now, or the transaction's), translates
// its error naming op, and reports the outcome: a success outside a
// transaction is a write when write is set; inside one, the commit is
// the write, and an abort a retry may cure is InTx's to report.
func (q queries) run(ctx context.Context, op string, write bool, fn func(ctx context.Context, c querier) error) error {
	call, cancel := q.start(ctx)
	defer cancel()
	var err error
	if q.tx != nil {
		err = fn(call, q.tx)
		if q.state != nil && retryable(err) {
			q.state.retry = true
		}
	} else {
		err = q.onConn(call, fn)
	}
	err = wrap(ctx, op, timedOut(ctx, call, err))
	if q.tx == nil || !retryable(err) {
		q.limits.obs.ObserveStore(write && q.tx == nil, err)
	}
	return err
}

// start returns the context of one call: the transaction's deadline
// inside one, else limits.op from now.
func (q queries) start(ctx context.Context) (context.Context, context.CancelFunc) {
	if !q.deadline.IsZero() {
		return context.WithDeadline(ctx, q.deadline)
	}
	return context.WithTimeout(ctx, q.limits.op)
}

// onConn runs fn on a pooled connection, returned to the pool afterwards
// (even if fn panics). A pooled connection can be dead without the pool
// knowing (the network reset it while it was idle): when fn fails before
// anything reached the server (pgconn.SafeToRetry), fn runs again on
// another connection, so a reset costs no request. Each such failure
// closes its dead connection (pgx marks it, release drops it), so the
// tries are bounded by the pool's size.
func (q queries) onConn(ctx context.Context, fn func(ctx context.Context, c querier) error) error {
	tries := int(q.pool.Stat().MaxConns()) + 1
	err := q.onOneConn(ctx, fn)
	for i := 1; i < tries && err != nil && pgconn.SafeToRetry(err) && ctx.Err() == nil; i++ {
		err = q.onOneConn(ctx, fn)
	}
	return err
}

func (q queries) onOneConn(ctx context.Context, fn func(ctx context.Context, c querier) error) error {
	conn, err := q.acquire(ctx)
	if err != nil {
		return err
	}
	defer conn.Release()
	return fn(ctx, conn)
}

// acquire takes a connection from the pool, waiting at most
// limits.acquire: a pool that stays exhausted fails the call fast as busy
// instead of queueing it, and a new connection the database does not
// complete in time fails it as a timeout.
func (q queries) acquire(ctx context.Context) (*pgxpool.Conn, error) {
	actx, cancel := context.WithTimeout(ctx, q.limits.acquire)
	defer cancel()
	conn, err := q.pool.Acquire(actx)
	if err != nil && ctx.Err() == nil && actx.Err() != nil {
		if st := q.pool.Stat(); st.AcquiredConns() >= st.MaxConns() {
			return nil, fmt.Errorf("%w: no free connection within %v: %w", core.ErrStoreBusy, q.limits.acquire, err)
		}
		return nil, fmt.Errorf("%w: no connection within %v: %w", core.ErrStoreTimeout, q.limits.acquire, err)
	}
	return conn, err
}

// exec runs a write and returns how many rows it changed.
func (q queries) exec(ctx context.Context, op, sql string, args ...any) (int, error) {
	var n int64
	err := q.run(ctx, op, true, func(ctx context.Context, c querier) error {
		tag, err := c.Exec(ctx, sql, args...)
		n = tag.RowsAffected()
		return err
	})
	return int(n), err
}

// execOne runs a write that must change a row; none wraps
// core.ErrNotFound. A key PostgreSQL cannot hold as text (NUL, invalid
// UTF-8) matches no row, so it reads as not found too.
func (q queries) execOne(ctx context.Context, op, sql string, args ...any) error {
	n, err := q.exec(ctx, op, sql, args...)
	if err != nil {
		return lookupErr(op, err)
	}
	if n == 0 {
		return notFound(op)
	}
	return nil
}

// get reads one row with scan; no row wraps core.ErrNotFound, as does a
// key PostgreSQL cannot hold as text.
func get[T any](ctx context.Context, q queries, op, sql string, args []any, scan func(pgx.Row) (T, error)) (T, error) {
	var v T
	err := q.run(ctx, op, false, func(ctx context.Context, c querier) error {
		var err error
		v, err = scan(c.QueryRow(ctx, sql, args...))
		return err
	})
	if err != nil {
		var zero T
		return zero, lookupErr(op, err)
	}
	return v, nil
}

// list reads every row with scan; none is an empty, non-nil slice.
func list[T any](ctx context.Context, q queries, op, sql string, args []any, scan func(pgx.Row) (T, error)) ([]T, error) {
	var out []T
	err := q.run(ctx, op, false, func(ctx context.Context, c querier) error {
		out = []T{} // from scratch, should fn ever run again
		return collect(ctx, c, sql, args, scan, &out)
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// collect appends every row of a query to out.
func collect[T any](ctx context.Context, c querier, sql string, args []any, scan func(pgx.Row) (T, error), out *[]T) error {
	rows, err := c.Query(ctx, sql, args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return err
		}
		*out = append(*out, v)
	}
	return rows.Err()
}

// inTx runs fn in a transaction with opts: the surrounding one inside
// InTx, or else one of its own on a pooled connection (committed when fn
// returns nil), so several statements see one snapshot or commit together.
func (q queries) inTx(ctx context.Context, op string, opts pgx.TxOptions, fn func(ctx context.Context, c querier) error) error {
	if q.tx != nil {
		return q.run(ctx, op, false, fn)
	}
	return q.run(ctx, op, opts.AccessMode != pgx.ReadOnly, func(ctx context.Context, c querier) error {
		tx, err := c.(*pgxpool.Conn).BeginTx(ctx, opts)
		if err != nil {
			return err
		}
		defer rollback(ctx, tx, q.limits.op) // a no-op after Commit
		if err := fn(ctx, tx); err != nil {
			return err
		}
		return tx.Commit(ctx)
	})
}

// snapshot are the options of a multi-statement read that must see one
// committed state (a page and its total).
func snapshot() pgx.TxOptions {
	return pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly}
}

// together are the options of writes that must commit together.
func together() pgx.TxOptions { return pgx.TxOptions{} }

// qualify prefixes every column of a comma-separated list with table, for
// statements that join another relation with the same column names.
func qualify(table, cols string) string {
	parts := strings.Split(cols, ",")
	for i, c := range parts {
		parts[i] = table + "." + strings.TrimSpace(c)
	}
	return strings.Join(parts, ", ")
}
