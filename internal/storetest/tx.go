package storetest

import (
	"errors"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

func testTxCommits(t *testing.T, s core.Store) {
	ctx := t.Context()
	err := s.InTx(ctx, func(q core.Queries) error {
		if err := q.InsertUser(ctx, user(core.UsersID, "u1", "a@example.com")); err != nil {
			return err
		}
		// A transaction reads its own writes.
		if _, err := q.UserByID(ctx, core.UsersID, "u1"); err != nil {
			return err
		}
		if err := q.InsertSession(ctx, session("s1", "u1")); err != nil {
			return err
		}
		return q.EnqueueMail(ctx, mail("m1", at(0)))
	})
	wantOK(t, "InTx", err)
	if _, err := s.UserByID(ctx, core.UsersID, "u1"); err != nil {
		t.Errorf("user after commit: %v", err)
	}
	if _, err := s.SessionByID(ctx, "s1"); err != nil {
		t.Errorf("session after commit: %v", err)
	}
	wantPending(t, s, 1)
}

func testTxRollsBack(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u0", "taken@example.com"))
	errStop := errors.New("stop")
	tests := []struct {
		name    string
		failure func(q core.Queries) error
		want    error
	}{
		{"fn error", func(core.Queries) error { return errStop }, errStop},
		{"store error", func(q core.Queries) error {
			return q.InsertUser(ctx, user(core.UsersID, "u2", "taken@example.com"))
		}, core.ErrConflict},
	}
	for _, tc := range tests {
		err := s.InTx(ctx, func(q core.Queries) error {
			if err := q.InsertUser(ctx, user(core.UsersID, "u1", "a@example.com")); err != nil {
				return err
			}
			if err := q.EnqueueMail(ctx, mail("m1", at(0))); err != nil {
				return err
			}
			return tc.failure(q)
		})
		wantErr(t, tc.name+": InTx", err, tc.want)
		_, err = s.UserByID(ctx, core.UsersID, "u1")
		wantErr(t, tc.name+": user after rollback", err, core.ErrNotFound)
		wantPending(t, s, 0)
	}
	// The store still works, and the same writes now succeed.
	wantOK(t, "InTx after rollbacks", s.InTx(ctx, func(q core.Queries) error {
		return q.InsertUser(ctx, user(core.UsersID, "u1", "a@example.com"))
	}))
}

func testTxPanic(t *testing.T, s core.Store) {
	ctx := t.Context()
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the panic to propagate as \"boom\"", r)
			}
		}()
		s.InTx(ctx, func(q core.Queries) error {
			if err := q.InsertUser(ctx, user(core.UsersID, "u1", "a@example.com")); err != nil {
				return err
			}
			panic("boom")
		})
	}()
	_, err := s.UserByID(ctx, core.UsersID, "u1")
	wantErr(t, "user after panic", err, core.ErrNotFound)
	// The panicking transaction released everything: writes go on.
	wantOK(t, "InsertUser after panic", s.InsertUser(ctx, user(core.UsersID, "u1", "a@example.com")))
	wantOK(t, "InTx after panic", s.InTx(ctx, func(q core.Queries) error {
		return q.InsertUser(ctx, user(core.UsersID, "u2", "b@example.com"))
	}))
}

func testTxConcurrentIncrements(t *testing.T, s core.Store) {
	ctx := t.Context()
	counter := user(core.UsersID, "counter", "c@example.com")
	counter.Name = "0"
	insertUser(t, s, counter)

	const n = 20
	var wg sync.WaitGroup
	for range n {
		wg.Go(func() {
			err := s.InTx(ctx, func(q core.Queries) error {
				u, err := q.UserByID(ctx, core.UsersID, "counter")
				if err != nil {
					return err
				}
				v, err := strconv.Atoi(u.Name)
				if err != nil {
					return err
				}
				u.Name, u.Updated = strconv.Itoa(v+1), u.Updated.Add(time.Millisecond)
				return q.UpdateUser(ctx, u)
			})
			if err != nil {
				t.Errorf("InTx = %v", err)
			}
		})
	}
	wg.Wait()
	got, err := s.UserByID(ctx, core.UsersID, "counter")
	wantOK(t, "UserByID", err)
	if got.Name != strconv.Itoa(n) {
		t.Errorf("counter = %s after %d concurrent increments, want %d", got.Name, n, n)
	}
}
