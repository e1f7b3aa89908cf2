package core_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Each reason a store gives reads as its own code, with a Retry-After,
// and still as ErrUnavailable for code that knows only that.
func TestStoreReasonsHaveCodes(t *testing.T) {
	for _, tc := range []struct {
		reason error
		code   string
	}{
		{core.ErrStoreFull, core.CodeStoreFull},
		{core.ErrStoreBusy, core.CodeStoreBusy},
		{core.ErrStoreTimeout, core.CodeStoreTimeout},
		{core.ErrUnavailable, core.CodeStoreUnavailable},
	} {
		err := fmt.Errorf("sqlite: insert user: %w: %w", tc.reason, errors.New("driver says no"))
		for name, ce := range map[string]*core.Error{"AsError": core.AsError(err), "Internal": core.Internal(err)} {
			if ce.Kind != core.KindUnavailable || ce.Code != tc.code || ce.RetryAfter <= 0 || !errors.Is(ce, core.ErrUnavailable) {
				t.Errorf("%s(%v) = %+v, want unavailable %s with a Retry-After", name, err, ce, tc.code)
			}
		}
		cd, ok := core.ConditionOf(err)
		if !ok || string(cd) != tc.code {
			t.Errorf("ConditionOf(%v) = %q, %v; want %s", err, cd, ok, tc.code)
		}
		if ce := core.ConditionError(cd); ce.Code != tc.code || ce.RetryAfter != core.AsError(err).RetryAfter {
			t.Errorf("ConditionError(%s) = %+v, want the code and Retry-After a request meets", cd, ce)
		}
	}
	if full := core.AsError(core.ErrStoreFull).RetryAfter; full <= core.AsError(core.ErrStoreBusy).RetryAfter {
		t.Errorf("a full disk asks clients back after %v, no later than contention does", full)
	}
	for _, err := range []error{nil, core.ErrNotFound, errors.New("boom"), context.Canceled,
		core.NewError(core.KindUnavailable, core.CodeHashingInterrupted)} {
		if cd, ok := core.ConditionOf(err); ok {
			t.Errorf("ConditionOf(%v) = %s, want none", err, cd)
		}
	}
}

// tracker is a Conditions on a clock the test moves, recording what it
// reports.
type tracker struct {
	*core.Conditions
	mu       sync.Mutex
	now      time.Time
	changes  []string
	failures map[core.Condition]int
	probes   []bool // the write argument of each probe
	probeErr error
}

func newTracker() *tracker {
	tr := &tracker{now: time.Unix(1_700_000_000, 0), failures: map[core.Condition]int{}}
	tr.Conditions = core.NewConditions(core.ConditionsOptions{
		Now: func() time.Time { tr.mu.Lock(); defer tr.mu.Unlock(); return tr.now },
		OnChange: func(c core.ConditionChange) {
			tr.mu.Lock()
			defer tr.mu.Unlock()
			verb := "ended"
			if c.Active {
				verb = "started"
			}
			tr.changes = append(tr.changes, string(c.Condition)+" "+verb)
		},
		OnFailure: func(c core.Condition) { tr.mu.Lock(); tr.failures[c]++; tr.mu.Unlock() },
		Probe: func(ctx context.Context, write bool) error {
			tr.mu.Lock()
			tr.probes = append(tr.probes, write)
			err := tr.probeErr
			tr.mu.Unlock()
			return err
		},
	})
	return tr
}

func (tr *tracker) advance(d time.Duration) { tr.mu.Lock(); tr.now = tr.now.Add(d); tr.mu.Unlock() }

func (tr *tracker) wantChanges(t *testing.T, want ...string) {
	t.Helper()
	tr.mu.Lock()
	defer tr.mu.Unlock()
	if !slices.Equal(tr.changes, want) {
		t.Errorf("changes = %q, want %q", tr.changes, want)
	}
}

var full = fmt.Errorf("sqlite: commit: %w: %w", core.ErrStoreFull, errors.New("database or disk is full (13)"))

// A full disk is reported once when it starts, however many writes it
// refuses, is not ended by reads (which still work), nor by a write that
// succeeds right after a failure, and ends once, with a write that
// succeeds after the condition settled.
func TestConditionsFullDisk(t *testing.T) {
	tr := newTracker()
	for range 5 {
		tr.ObserveStore(true, full)
		tr.ObserveStore(false, nil)
	}
	tr.wantChanges(t, "store_full started")
	if got := tr.failures[core.ConditionStoreFull]; got != 5 {
		t.Errorf("failures counted = %d, want 5", got)
	}
	if got := tr.Active(); !slices.Equal(got, []core.Condition{core.ConditionStoreFull}) {
		t.Errorf("Active = %v", got)
	}
	tr.ObserveStore(true, nil) // a write slipped through just after a failure
	tr.wantChanges(t, "store_full started")

	tr.advance(3 * time.Second)
	tr.ObserveStore(false, nil)
	tr.ObserveStore(false, core.ErrNotFound)
	tr.wantChanges(t, "store_full started")
	tr.ObserveStore(true, core.ErrConflict) // the database answered a write
	tr.ObserveStore(true, nil)
	tr.wantChanges(t, "store_full started", "store_full ended")
	if got := tr.Active(); got != nil {
		t.Errorf("Active after the end = %v", got)
	}
}

// An unreachable or silent database is over as soon as it answers
// anything, a read included; the caller giving up proves nothing.
func TestConditionsUnreachable(t *testing.T) {
	tr := newTracker()
	down := fmt.Errorf("postgres: ping: %w: dial: refused", core.ErrUnavailable)
	slow := fmt.Errorf("postgres: user by id: %w: %w", core.ErrStoreTimeout, context.DeadlineExceeded)
	tr.ObserveStore(false, down)
	tr.ObserveStore(false, slow)
	tr.ObserveStore(false, context.Canceled)
	tr.ObserveStore(false, errors.New("syntax error"))
	tr.wantChanges(t, "store_unavailable started", "store_timeout started")
	tr.advance(conditionSettle)
	tr.ObserveStore(false, nil)
	tr.wantChanges(t, "store_unavailable started", "store_timeout started",
		"store_unavailable ended", "store_timeout ended")
}

// conditionSettle mirrors core's: long enough that a test moving the
// clock by it sees a condition settle.
const conditionSettle = 2 * time.Second

// A saturated hasher is its own condition: store successes do not end
// it, and it does not make the node unready.
func TestConditionsHashing(t *testing.T) {
	tr := newTracker()
	busy := &core.Error{Kind: core.KindUnavailable, Code: core.CodeHashingBusy, RetryAfter: time.Second}
	tr.ObserveHashing(busy)
	tr.ObserveHashing(core.NewError(core.KindUnavailable, core.CodeHashingInterrupted))
	tr.ObserveStore(true, busy) // not the store's
	tr.advance(conditionSettle)
	tr.ObserveStore(true, nil)
	tr.wantChanges(t, "hashing_busy started")
	if err := tr.Check(t.Context()); err != nil {
		t.Errorf("Check while hashing is saturated = %v, want nil", err)
	}
	tr.ObserveHashing(nil)
	tr.wantChanges(t, "hashing_busy started", "hashing_busy ended")
	if got := tr.failures[core.ConditionHashingBusy]; got != 1 {
		t.Errorf("hashing failures counted = %d, want 1", got)
	}
}

// Check probes with a read while all is well; while a write-stopping
// condition is in force it writes too, at most once a second, answers
// with the condition's error, and ends it once a write probe succeeds.
func TestConditionsCheck(t *testing.T) {
	tr := newTracker()
	if err := tr.Check(t.Context()); err != nil {
		t.Fatalf("Check = %v", err)
	}
	tr.ObserveStore(true, full)
	err := tr.Check(t.Context())
	if ce := core.AsError(err); ce.Code != core.CodeStoreFull || ce.RetryAfter <= 0 {
		t.Fatalf("Check with a full disk = %v, want store_full with a Retry-After", err)
	}
	tr.Check(t.Context()) // within the second: no second write
	tr.advance(conditionSettle)
	// The probe's own outcome reaches the tracker through the store; here
	// the test plays the store.
	tr.probeErr = nil
	tr.Conditions.ObserveStore(true, nil)
	if err := tr.Check(t.Context()); err != nil {
		t.Errorf("Check after a write succeeded = %v", err)
	}
	if want := []bool{false, true, false, false}; !slices.Equal(tr.probes, want) {
		t.Errorf("probes wrote %v, want %v", tr.probes, want)
	}

	tr.probeErr = fmt.Errorf("ping: %w", core.ErrUnavailable)
	if ce := core.AsError(tr.Check(t.Context())); ce.Code != core.CodeStoreUnavailable {
		t.Errorf("Check with a failing probe = %v, want store_unavailable", ce)
	}
	tr.probeErr = errors.New("no such table")
	if ce := core.AsError(tr.Check(t.Context())); ce.Kind != core.KindInternal {
		t.Errorf("Check with a broken probe = %v, want internal", ce)
	}
}

// Many requests meeting and clearing one condition at once still report
// one start and one end.
func TestConditionsConcurrent(t *testing.T) {
	tr := newTracker()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			tr.ObserveStore(true, full)
			tr.ObserveStore(false, nil)
		})
	}
	wg.Wait()
	tr.advance(conditionSettle)
	for range 50 {
		wg.Go(func() { tr.ObserveStore(true, nil) })
	}
	wg.Wait()
	tr.wantChanges(t, "store_full started", "store_full ended")
}
