package postgres

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
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
// it is otherwise.
//
// Unlike SQLite, PostgreSQL aborts the whole transaction at the first
// failed statement: after a store error inside fn, fn should return.
func (db *DB) InTx(ctx context.Context, fn func(q core.Queries) error) error {
	for attempt := 1; ; attempt++ {
		st := &txState{}
		err := db.attempt(ctx, st, fn)
		if err == nil {
			return nil
		}
		if !(st.retry || retryable(err)) || attempt == maxTxAttempts || ctx.Err() != nil {
			return err
		}
		if err := sleep(ctx, backoff(attempt)); err != nil {
			return err
		}
	}
}

// attempt runs fn once in a transaction of its own connection.
func (db *DB) attempt(ctx context.Context, st *txState, fn func(q core.Queries) error) error {
	conn, err := db.acquire(ctx)
	if err != nil {
		return wrap(ctx, "begin", err)
	}
	defer conn.Release()
	tx, err := bounded(ctx, db.limits.op, func(ctx context.Context) (pgx.Tx, error) {
		return conn.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.Serializable})
	})
	if err != nil {
		return wrap(ctx, "begin", err)
	}
	finished := false
	defer func() {
		if !finished { // fn panicked or called runtime.Goexit
			rollback(ctx, tx, db.limits.op)
		}
	}()
	q := queries{pool: db.pool, tx: tx, state: st, limits: db.limits}
	if err := fn(q); err != nil {
		finished = true
		rollback(ctx, tx, db.limits.op)
		return err
	}
	finished = true
	_, err = bounded(ctx, db.limits.op, func(ctx context.Context) (struct{}, error) {
		return struct{}{}, tx.Commit(ctx)
	})
	if err != nil {
		return wrap(ctx, "commit", err)
	}
	return nil
}

// rollback ends tx, even when ctx is done: a connection must not go back
// to the pool mid-transaction (pgxpool would close it rather than reuse
// it). It waits at most d for a server that stopped answering.
func rollback(ctx context.Context, tx pgx.Tx, d time.Duration) {
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d)
	defer cancel()
	tx.Rollback(ctx) // a failure leaves a broken connection, which the pool drops
}

// bounded calls fn with ctx limited to d: a server that stopped answering
// fails the call instead of hanging it.
func bounded[T any](ctx context.Context, d time.Duration, fn func(ctx context.Context) (T, error)) (T, error) {
	ctx, cancel := context.WithTimeout(ctx, d)
	defer cancel()
	return fn(ctx)
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
