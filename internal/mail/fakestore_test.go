package mail

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// fakeStore is an in-memory core.OutboxStore that honours the ClaimMail
// contract and records what the worker did, for the worker tests.
type fakeStore struct {
	mu       sync.Mutex
	msgs     []core.OutboxMessage
	claims   []claimCall
	failures []failure
	marks    map[string]int // MarkMailSent calls per id
	// afterClaim, when set, runs once a claim has leased its messages;
	// the claim then fails if its context ended meanwhile, as a database
	// does when a cancelled query had already committed.
	afterClaim func()
}

type claimCall struct {
	now time.Time
	got int
}

type failure struct {
	id       string
	attempts int
	next     time.Time
	at       time.Time // wall clock when recorded
	errText  string
}

func newFakeStore() *fakeStore { return &fakeStore{marks: map[string]int{}} }

func (s *fakeStore) EnqueueMail(_ context.Context, m core.OutboxMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if m.ID == "" {
		m.ID = core.NewID()
	}
	if m.Created.IsZero() {
		m.Created = time.Now()
	}
	s.msgs = append(s.msgs, m)
	return nil
}

func (s *fakeStore) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var due []int
	for i, m := range s.msgs {
		if m.SentAt.IsZero() && !m.NextAttempt.After(now) && !m.LeaseUntil.After(now) {
			due = append(due, i)
		}
	}
	slices.SortStableFunc(due, func(a, b int) int { return s.msgs[a].Created.Compare(s.msgs[b].Created) })
	due = due[:min(len(due), limit)]
	out := make([]core.OutboxMessage, 0, len(due))
	for _, i := range due {
		s.msgs[i].LeaseUntil = now.Add(lease)
		out = append(out, s.msgs[i])
	}
	s.claims = append(s.claims, claimCall{now: now, got: len(out)})
	if s.afterClaim != nil {
		s.afterClaim()
		s.afterClaim = nil
		if err := ctx.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (s *fakeStore) find(id string) (*core.OutboxMessage, error) {
	for i := range s.msgs {
		if s.msgs[i].ID == id {
			return &s.msgs[i], nil
		}
	}
	return nil, fmt.Errorf("outbox %s: %w", id, core.ErrNotFound)
}

func (s *fakeStore) MarkMailSent(_ context.Context, id string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		return err
	}
	m.SentAt, m.LeaseUntil, m.Text, m.HTML = at, time.Time{}, "", ""
	s.marks[id]++
	return nil
}

func (s *fakeStore) MarkMailFailed(_ context.Context, id string, attempts int, next time.Time, lastErr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		return err
	}
	m.Attempts, m.NextAttempt, m.LastError, m.LeaseUntil = attempts, next, lastErr, time.Time{}
	s.failures = append(s.failures, failure{id: id, attempts: attempts, next: next, at: time.Now(), errText: lastErr})
	return nil
}

func (s *fakeStore) ReleaseMail(_ context.Context, id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		return err
	}
	m.LeaseUntil = time.Time{}
	return nil
}

func (s *fakeStore) MailByID(_ context.Context, id string) (core.OutboxMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		return core.OutboxMessage{}, err
	}
	return *m, nil
}

func (s *fakeStore) PendingMail(context.Context) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, m := range s.msgs {
		if m.SentAt.IsZero() {
			n++
		}
	}
	return n, nil
}

// get returns a copy of the message with the given id.
func (s *fakeStore) get(t testing.TB, id string) core.OutboxMessage {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		t.Fatal(err)
	}
	return *m
}

// snapshot returns copies of what the store recorded.
func (s *fakeStore) snapshot() (claims []claimCall, failures []failure, marks map[string]int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	marks = map[string]int{}
	for k, v := range s.marks {
		marks[k] = v
	}
	return slices.Clone(s.claims), slices.Clone(s.failures), marks
}

// waitFor polls cond until it holds; it fails the test after timeout.
func waitFor(t testing.TB, timeout time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", timeout, what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

// enqueue adds messages with distinct, increasing Created times and
// returns their ids in order.
func enqueue(t testing.TB, s *fakeStore, msgs ...core.OutboxMessage) []string {
	t.Helper()
	base := time.Now().Add(-time.Minute)
	var ids []string
	for i, m := range msgs {
		m.ID = cmp.Or(m.ID, core.NewID())
		m.Created = base.Add(time.Duration(i) * time.Millisecond)
		if err := s.EnqueueMail(context.Background(), m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.ID)
	}
	return ids
}
