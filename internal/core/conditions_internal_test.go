package core

import (
	"context"
	"testing"
	"time"
)

// busyHasher refuses every hash as saturated until freed.
type busyHasher struct{ free bool }

func (h *busyHasher) err() error {
	if h.free {
		return nil
	}
	return &Error{Kind: KindUnavailable, Code: CodeHashingBusy, RetryAfter: time.Second}
}

func (h *busyHasher) Hash(context.Context, string) (string, error) { return "h", h.err() }
func (h *busyHasher) Verify(context.Context, string, string) (bool, bool, error) {
	return true, false, h.err()
}
func (h *busyHasher) VerifyDummy(context.Context, string) error { return h.err() }

// A service given Conditions reports every hash to them: a saturated
// hasher starts hashing_busy once, and a hash that goes through after
// the quiet spell ends it.
func TestServiceReportsHashing(t *testing.T) {
	now := time.Unix(1_700_000_000, 0)
	var changes []ConditionChange
	conds := NewConditions(ConditionsOptions{
		Now:      func() time.Time { return now },
		OnChange: func(c ConditionChange) { changes = append(changes, c) },
	})
	h := &busyHasher{}
	cols, err := NewCollections(DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	s, err := New(Settings{}, Deps{Store: nopStore{}, Hasher: h, Signer: nopSigner{}, Collections: cols, Conditions: conds})
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	s.hasher.Hash(ctx, "pw")
	s.hasher.VerifyDummy(ctx, "pw")
	h.free = true
	now = now.Add(conditionSettle)
	s.hasher.Verify(ctx, "h", "pw")
	if len(changes) != 2 || changes[0].Condition != ConditionHashingBusy || !changes[0].Active || changes[1].Active {
		t.Errorf("changes = %+v, want hashing_busy started then ended", changes)
	}
}

// nopStore and nopSigner stand in for what the test never calls.
type nopStore struct{ Store }
type nopSigner struct{ Signer }
