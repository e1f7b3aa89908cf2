package postgres

import (
	"context"
	"errors"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5/pgconn"
)

// insertCounter stores a user whose name holds a number, for
// read-modify-write tests.
func insertCounter(t *testing.T, db *DB, id string) {
	t.Helper()
	now := time.UnixMilli(1_700_000_000_000)
	u := core.User{ID: id, CollectionID: core.UsersID, Name: "0", Created: now, Updated: now}
	if err := db.InsertUser(t.Context(), u); err != nil {
		t.Fatalf("InsertUser = %v", err)
	}
}

// increment adds one to the counter user in fn's transaction; hook runs
// between the read and the write.
func increment(ctx context.Context, q core.Queries, id string, hook func()) error {
	u, err := q.UserByID(ctx, core.UsersID, id)
	if err != nil {
		return err
	}
	n, err := strconv.Atoi(u.Name)
	if err != nil {
		return err
	}
	hook()
	u.Name = strconv.Itoa(n + 1)
	return q.UpdateUser(ctx, u)
}

func wantCounter(t *testing.T, db *DB, id string, want int) {
	t.Helper()
	u, err := db.UserByID(t.Context(), core.UsersID, id)
	if err != nil {
		t.Fatalf("UserByID = %v", err)
	}
	if u.Name != strconv.Itoa(want) {
		t.Errorf("counter = %s, want %d", u.Name, want)
	}
}

// Two transactions both read the counter before either writes: under
// SERIALIZABLE one of them must fail (40001), and InTx runs it again, so
// the counter ends up counting both.
func TestInTxRetriesSerializationFailure(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	insertCounter(t, db, "c")

	var calls atomic.Int32
	var bothRead sync.WaitGroup
	bothRead.Add(2)
	errs := make([]error, 2)
	var wg sync.WaitGroup
	for i := range 2 {
		wg.Go(func() {
			first := true
			errs[i] = db.InTx(t.Context(), func(q core.Queries) error {
				calls.Add(1)
				return increment(t.Context(), q, "c", func() {
					if first { // only the first attempts meet
						first = false
						bothRead.Done()
						bothRead.Wait()
					}
				})
			})
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("InTx #%d = %v", i, err)
		}
	}
	wantCounter(t, db, "c", 2)
	if n := calls.Load(); n < 3 {
		t.Errorf("fn ran %d times, want at least 3 (one retry)", n)
	}
}

// Many transactions racing on one row (a burst of failed logins on one
// account) all get through.
func TestInTxContention(t *testing.T) {
	t.Parallel()
	db := openDSN(t, freshSchema(t), Options{MaxConns: 8})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	insertCounter(t, db, "c")
	const n = 30
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			err := db.InTx(t.Context(), func(q core.Queries) error {
				return increment(t.Context(), q, "c", func() {})
			})
			if err != nil {
				t.Errorf("InTx = %v", err)
			}
		})
	}
	wg.Wait()
	wantCounter(t, db, "c", n)
}

func TestInTxRetryLimits(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	insertCounter(t, db, "c")
	serialization := &pgconn.PgError{Code: codeSerializationFailure}
	errPlain := errors.New("plain failure")
	tests := []struct {
		name      string
		err       error
		wantCalls int32
	}{
		{"serialization failure is retried until the limit", serialization, maxTxAttempts},
		{"deadlock is retried until the limit", &pgconn.PgError{Code: codeDeadlockDetected}, maxTxAttempts},
		{"wrapped failure is retried", core.Internal(serialization), maxTxAttempts},
		{"other errors are not retried", errPlain, 1},
		{"conflicts are not retried", core.ErrConflict, 1},
	}
	for _, tc := range tests {
		var calls atomic.Int32
		err := db.InTx(t.Context(), func(q core.Queries) error {
			calls.Add(1)
			// A write that must roll back with every attempt.
			if err := increment(t.Context(), q, "c", func() {}); err != nil {
				return err
			}
			return tc.err
		})
		if !errors.Is(err, tc.err) {
			t.Errorf("%s: InTx = %v, want %v", tc.name, err, tc.err)
		}
		if got := calls.Load(); got != tc.wantCalls {
			t.Errorf("%s: fn ran %d times, want %d", tc.name, got, tc.wantCalls)
		}
	}
	wantCounter(t, db, "c", 0)

	// A caller that gives up stops the retries.
	ctx, cancel := context.WithCancel(t.Context())
	var calls atomic.Int32
	err := db.InTx(ctx, func(q core.Queries) error {
		if calls.Add(1) == 2 {
			cancel()
		}
		return serialization
	})
	if err == nil || calls.Load() != 2 {
		t.Errorf("InTx with a cancelled context = %v after %d calls, want an error after 2", err, calls.Load())
	}
}

// A store error inside fn that fn swallows still aborts the transaction
// in PostgreSQL; InTx reports the failed commit instead of pretending
// the writes before it were kept.
func TestInTxSwallowedErrorFailsCommit(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	insertCounter(t, db, "c")
	insertCounter(t, db, "d")
	err := db.InTx(t.Context(), func(q core.Queries) error {
		if err := increment(t.Context(), q, "c", func() {}); err != nil {
			return err
		}
		dup := core.User{ID: "d", CollectionID: core.UsersID, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}
		if err := q.InsertUser(t.Context(), dup); !errors.Is(err, core.ErrConflict) {
			t.Errorf("InsertUser of a taken id = %v, want a conflict", err)
		}
		return nil // swallowed
	})
	if err == nil {
		t.Error("InTx whose transaction PostgreSQL aborted succeeded")
	}
	wantCounter(t, db, "c", 0)
}
