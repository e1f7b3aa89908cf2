package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
)

// queries implements core.Queries. Outside a transaction reads go to the
// reader pool and writes to the writer; inside one both go to the
// transaction's connection, so fn reads its own writes. Every statement
// runs under the store's deadline (see execer).
type queries struct {
	read  execer
	write execer
	// pool is the reader pool outside a transaction and nil inside one;
	// multi-statement reads use it to see one snapshot.
	pool *sql.DB
	// writer is the writer pool outside a transaction and nil inside
	// one; multi-statement writes use it to commit all or nothing.
	writer *sql.DB
	// stmts is the writer's statement cache outside a transaction, nil
	// inside one.
	stmts *stmtPool
	b     *bounds
}

var _ core.Queries = queries{}

// snapshot runs fn with reads that all see the same committed state: the
// surrounding transaction's, or else a read transaction's on the pool.
//
// The read transaction is one call: its statements share one deadline.
func (q queries) snapshot(ctx context.Context, fn func(r execer) error) error {
	if q.pool == nil {
		return fn(q.read)
	}
	call, cancel := context.WithTimeout(ctx, q.b.timeout)
	defer cancel()
	tx, err := q.pool.BeginTx(call, nil)
	if err != nil {
		return q.b.fail(ctx, call, "begin read", err)
	}
	defer tx.Rollback() // a read-only transaction has nothing to commit
	deadline, _ := call.Deadline()
	return fn(execer{raw: tx, b: q.b, deadline: deadline})
}

// atomically runs fn with writes that commit together: inside the
// surrounding transaction, or else in a transaction of their own on the
// writer.
func (q queries) atomically(ctx context.Context, fn func(w execer) error) error {
	if q.writer == nil {
		return fn(q.write)
	}
	return writeTx(ctx, q.writer, q.stmts, q.b, fn)
}

// InTx runs fn in one transaction on the writer connection. It starts with
// BEGIN IMMEDIATE, taking the write lock up front: a deferred transaction
// that reads first and writes later could fail with SQLITE_BUSY when it
// tries to upgrade its lock. It commits when fn returns nil and rolls back
// when fn returns an error or panics (the panic goes on).
//
// fn must use only the Queries it is given: the writer has one connection,
// which fn's transaction holds, so a write through the DB itself would
// wait for fn to finish.
//
// The transaction is one call: waiting for the writer, BEGIN and every
// statement of fn share one deadline, the store's query timeout, so a
// transaction cannot hold the single writer (and every write queued
// behind it) for longer.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	return writeTx(ctx, db.writer, db.writeStmts, db.b, func(e execer) error {
		return fn(queries{read: e, write: e, b: db.b})
	})
}

// writeTx runs fn in one BEGIN IMMEDIATE transaction on a connection of
// writer, as InTx describes, and reports its commit as a write. Its
// statements run prepared when stmts holds them (see txStmts); a text
// that it did not hold yet is prepared once the transaction is over, for
// the next one.
func writeTx(ctx context.Context, writer *sql.DB, stmts *stmtPool, b *bounds, fn func(e execer) error) error {
	var missed []string
	err := runWriteTx(ctx, writer, stmts, &missed, b, fn)
	// The writer is free again: prepare what ran unprepared (each text
	// once; the cache bounds how many).
	if len(missed) > 0 {
		prep, cancel := context.WithTimeout(ctx, b.timeout)
		defer cancel()
		for _, q := range missed {
			stmts.stmt(prep, q)
		}
	}
	return err
}

func runWriteTx(ctx context.Context, writer *sql.DB, stmts *stmtPool, missed *[]string, b *bounds, fn func(e execer) error) error {
	call, cancel := context.WithTimeout(ctx, b.timeout)
	defer cancel()
	conn, err := writer.Conn(call)
	if err != nil {
		return b.fail(ctx, call, "acquire writer", err)
	}
	defer conn.Close() // returns the connection to the writer pool
	// The writer's connections begin with BEGIN IMMEDIATE (_txlock in
	// its DSN). The transaction is not tied to ctx: its statements run
	// under its deadline, and COMMIT must run even when ctx was
	// cancelled after fn's last write, or the work would be lost for
	// nothing. A BEGIN that meets another process's lock gives up after
	// busy_timeout, which is under the deadline.
	tx, err := conn.BeginTx(context.WithoutCancel(ctx), nil)
	if err != nil {
		return b.fail(ctx, call, "begin", err)
	}
	deadline, _ := call.Deadline()
	finished := false
	defer func() {
		if !finished { // fn panicked or called runtime.Goexit
			rollback(conn, tx)
		}
	}()
	if err := fn(execer{raw: txStmts{tx: tx, pool: stmts, missed: missed}, b: b, deadline: deadline}); err != nil {
		finished = true
		rollback(conn, tx)
		return err
	}
	finished = true
	if err := tx.Commit(); err != nil {
		// The driver rolls a failed COMMIT back itself.
		return b.fail(ctx, call, "commit", err)
	}
	b.obs.ObserveStore(true, nil)
	return nil
}

// rollback ends the transaction tx of conn. If that fails the
// connection's state is unknown, so it is discarded rather than handed to
// the next writer with a transaction possibly still open.
func rollback(conn *sql.Conn, tx *sql.Tx) {
	if err := tx.Rollback(); err != nil && !errors.Is(err, sql.ErrTxDone) {
		conn.Raw(func(any) error { return driver.ErrBadConn })
	}
}

// txStmts runs a transaction's statements: through the statement the
// writer's cache already prepared for the text (database/sql reuses it on
// the transaction's connection), or else as text, noted in missed so
// writeTx prepares it afterwards. Preparing inside the transaction is not
// an option: it would wait for the writer's one connection, which the
// transaction holds.
type txStmts struct {
	tx     *sql.Tx
	pool   *stmtPool
	missed *[]string
}

func (t txStmts) prepared(ctx context.Context, query string) *sql.Stmt {
	if st := t.pool.lookup(query); st != nil {
		return t.tx.StmtContext(ctx, st)
	}
	if !slices.Contains(*t.missed, query) {
		*t.missed = append(*t.missed, query)
	}
	return nil
}

// ExecContext implements sqlExecer.
func (t txStmts) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := t.prepared(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return t.tx.ExecContext(ctx, query, args...)
}

// QueryContext implements sqlExecer.
func (t txStmts) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return t.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext implements sqlExecer.
func (t txStmts) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := t.prepared(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return t.tx.QueryRowContext(ctx, query, args...)
}
