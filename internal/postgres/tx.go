package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
)

// Retry policy of InTx. Contention on one row (a lockout counter hit by a
// burst of failed logins) makes SERIALIZABLE abort all but one of the
// racing transactions each round, so the attempts must outnumber the
// racers that realistically meet; the backoff grows and is jittered so
// they stop meeting.
const (
	maxTxAttempts = 10
	backoffBase   = 2 * time.Millisecond
	backoffCap    = 250 * time.Millisecond
)

// InTx runs fn in one SERIALIZABLE transaction: it commits when fn returns
// nil and rolls back otherwise (or when fn panics; the panic goes on).
//
// When PostgreSQL aborts the transaction with a serialization failure
// (40001) or a deadlock (40P01), at a statement or at commit, InTx runs
// fn again from the start, after a short jittered backoff, up to
// maxTxAttempts times in all: core's contract lets fn be retried, so it
// has no side effects outside the transaction. fn's error is returned as
// it is otherwise; an abort it could not cure by retrying reads as
// core.ErrStoreBusy.
//
// The transaction is one call: waiting for a connection, every attempt
// with its statements and backoff, and the commit share one deadline,
// the store's query timeout.
//
// Unlike SQLite, PostgreSQL aborts the whole transaction at the first
// failed statement: after a store error inside fn, fn should return.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	call, cancel := context.WithTimeout(ctx, db.limits.op)
	defer cancel()
	for attempt := 1; ; attempt++ {
		st := &txState{}
		err := db.attempt(ctx, call, st, fn)
		if err == nil {
			db.limits.obs.ObserveStore(true, nil)
			return nil
		}
		if !(st.retry || retryable(err)) {
			return err
		}
		if attempt == maxTxAttempts || call.Err() != nil {
			// The retries that usually cure contention did not:
			// report what ended them, which run held back.
			db.limits.obs.ObserveStore(false, err)
			return err
		}
		if serr := sleep(call, backoff(attempt)); serr != nil {
			err = wrap(ctx, "retry transaction", timedOut(ctx, call, serr))
			db.limits.obs.ObserveStore(false, err)
			return err
		}
	}
}

// attempt runs fn once in a transaction of its own connection, within
// call's deadline. ctx is the caller's.
func (db *DB) attempt(ctx, call context.Context, st *txState, fn func(q core.Queries) error) error {
	conn, err := db.acquire(call)
	if err != nil {
		return db.failed(ctx, call, "begin", err)
	}
	defer conn.Release()
	tx, err := conn.BeginTx(call, pgx.TxOptions{IsoLevel: pgx.Serializable})
	if err != nil {
		// A dead pooled connection fails BEGIN before anything reaches
		// the server: another attempt, on another connection, cures it
		// (InTx reports the failure only if the attempts run out).
		if pgconn.SafeToRetry(err) && call.Err() == nil {
			st.retry = true
			return wrap(ctx, "begin", err)
		}
		return db.failed(ctx, call, "begin", err)
	}
	finished := false
	defer func() {
		if !finished { // fn panicked or called runtime.Goexit
			rollback(ctx, tx, db.limits.op)
		}
	}()
	deadline, _ := call.Deadline()
	q := queries{pool: db.pool, tx: tx, state: st, limits: db.limits, deadline: deadline}
	if err := fn(q); err != nil {
		finished = true
		rollback(ctx, tx, db.limits.op)
		return err
	}
	finished = true
	if err := tx.Commit(call); err != nil {
		return db.failed(ctx, call, "commit", err)
	}
	return nil
}

// failed translates an error of InTx's own (taking a connection, BEGIN,
// COMMIT) and reports it, unless a retry may cure it.
func (db *DB) failed(ctx, call context.Context, op string, err error) error {
	err = wrap(ctx, op, timedOut(ctx, call, err))
	if !retryable(err) {
		db.limits.obs.ObserveStore(false, err)
	}
	return err
}

// rollback ends tx, even when ctx is done: a connection must not go back
// to the pool mid-transaction (pgxpool would close it rather than reuse
// it). It waits at most d for a server that stopped answering.
func rollback(ctx context.Context, tx pgx.Tx, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	tx.Rollback(ctx) // a failure leaves a broken connection, which the pool drops
}

// backoff is the pause before attempt+1: uniformly random up to a bound
// that doubles with each attempt, from backoffBase up to backoffCap.
func backoff(attempt int) time.Duration {
	bound := min(backoffBase<<min(attempt-1, 16), backoffCap)
	return bound/2 + rand.N(bound/2+1)
}

// sleep waits d, or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return fmt.Errorf("postgres: retry transaction: %w", ctx.Err())
	}
}
