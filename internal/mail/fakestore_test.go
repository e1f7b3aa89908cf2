package mail

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"maps"
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
	renewals map[string]int // successful RenewMail calls per id
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

func newFakeStore() *fakeStore {
	return &fakeStore{marks: map[string]int{}, renewals: map[string]int{}}
}

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

func (s *fakeStore) ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if claim == "" {
		return nil, errors.New("fake store: empty claim")
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
		s.msgs[i].LeaseUntil, s.msgs[i].Claim = now.Add(lease), claim
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

// held finds a message still held under claim, as the stores'
// claim-conditional writes do.
func (s *fakeStore) held(id, claim string) (*core.OutboxMessage, error) {
	m, err := s.find(id)
	if err != nil {
		return nil, err
	}
	if claim == "" || m.Claim != claim || !m.SentAt.IsZero() {
		return nil, fmt.Errorf("outbox %s: %w", id, core.ErrClaimLost)
	}
	return m, nil
}

func (s *fakeStore) RenewMail(ctx context.Context, id, claim string, now time.Time, lease time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.held(id, claim)
	if err != nil {
		return err
	}
	m.LeaseUntil = now.Add(lease)
	s.renewals[id]++
	return nil
}

func (s *fakeStore) StartMailAttempt(ctx context.Context, id, claim string, now time.Time, lease time.Duration) (int, error) {
	if err := ctx.Err(); err != nil {
		return 0, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.held(id, claim)
	if err != nil {
		return 0, err
	}
	m.Attempts++
	m.Sending, m.LeaseUntil = now, now.Add(lease)
	return m.Attempts, nil
}

func (s *fakeStore) MarkMailSent(_ context.Context, id string, at time.Time) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.find(id)
	if err != nil {
		return err
	}
	if m.SentAt.IsZero() {
		m.SentAt = at
	}
	m.LeaseUntil, m.Claim, m.Sending, m.Text, m.HTML = time.Time{}, "", time.Time{}, "", ""
	s.marks[id]++
	return nil
}

func (s *fakeStore) MarkMailFailed(_ context.Context, id, claim string, next time.Time, lastErr string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.held(id, claim)
	if err != nil {
		return err
	}
	m.NextAttempt, m.LastError, m.LeaseUntil, m.Claim, m.Sending = next, lastErr, time.Time{}, "", time.Time{}
	s.failures = append(s.failures, failure{id: id, attempts: m.Attempts, next: next, at: time.Now(), errText: lastErr})
	return nil
}

func (s *fakeStore) ReleaseMail(_ context.Context, id, claim string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	m, err := s.held(id, claim)
	if err != nil {
		return err
	}
	m.LeaseUntil, m.Claim = time.Time{}, ""
	return nil
}

func (s *fakeStore) NextMailDue(context.Context) (time.Time, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var due time.Time
	for _, m := range s.msgs {
		if !m.SentAt.IsZero() {
			continue
		}
		t := m.NextAttempt
		if m.LeaseUntil.After(t) {
			t = m.LeaseUntil
		}
		if t.IsZero() {
			t = time.UnixMilli(0)
		}
		if due.IsZero() || t.Before(due) {
			due = t
		}
	}
	return due, nil
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
	return slices.Clone(s.claims), slices.Clone(s.failures), maps.Clone(s.marks)
}

// renewed returns how many renewals of id succeeded.
func (s *fakeStore) renewed(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.renewals[id]
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
