package storetest

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// claimAs claims at now under token and fails unless it got exactly want.
func claimAs(t *testing.T, s core.Store, token string, now time.Time, lease time.Duration, want ...string) []core.OutboxMessage {
	t.Helper()
	msgs, err := s.ClaimMail(t.Context(), token, now, lease, 10)
	wantOK(t, "ClaimMail("+token+")", err)
	var got []string
	for _, m := range msgs {
		got = append(got, m.ID)
		if m.Claim != token || !m.LeaseUntil.Equal(now.Add(lease)) {
			t.Errorf("claimed %s: claim %q until %v, want %q until %v", m.ID, m.Claim, m.LeaseUntil, token, now.Add(lease))
		}
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("ClaimMail(%s) at %v = %v, want %v", token, now, got, want)
	}
	return msgs
}

// The owner's renewal moves the lease on, so the message is not
// claimable when the first lease would have run out, only when the
// renewed one does.
func testRenewMail(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("m", at(0)))
	t0 := at(time.Minute)
	claimAs(t, s, "a", t0, 20*time.Second, "m")

	wantOK(t, "RenewMail by the owner", s.RenewMail(ctx, "m", "a", t0.Add(15*time.Second), 20*time.Second))
	claimAs(t, s, "b", t0.Add(20*time.Second), 20*time.Second) // the first lease's end: still held
	if m, err := s.MailByID(ctx, "m"); err != nil || m.Claim != "a" || !m.LeaseUntil.Equal(t0.Add(35*time.Second)) {
		t.Errorf("after renewal: %+v, %v; want claim a until %v", m, err, t0.Add(35*time.Second))
	}
	claimAs(t, s, "b", t0.Add(35*time.Second), 20*time.Second, "m") // the renewed lease ran out

	wantErr(t, "RenewMail of a missing id", s.RenewMail(ctx, "nope", "a", t0, time.Minute), core.ErrNotFound)
	if err := s.RenewMail(ctx, "m", "", t0, time.Minute); err == nil || errors.Is(err, core.ErrClaimLost) {
		t.Errorf("RenewMail with an empty claim = %v, want a usage error", err)
	}
	if err := s.RenewMail(ctx, "m", "b", t0, 0); err == nil {
		t.Error("RenewMail with a zero lease succeeded, want an error")
	}
}

// A claim whose lease ran out but which nobody took is still the
// owner's: renewing it is safe (no other worker can be sending it).
func testRenewExpiredClaim(t *testing.T, s core.Store) {
	enqueue(t, s, mail("m", at(0)))
	t0 := at(time.Minute)
	claimAs(t, s, "a", t0, 10*time.Second, "m")
	wantOK(t, "RenewMail after the lease ran out", s.RenewMail(t.Context(), "m", "a", t0.Add(time.Minute), 10*time.Second))
	claimAs(t, s, "b", t0.Add(time.Minute+9*time.Second), 10*time.Second)
}

// Once another worker claimed the message, every write of the old
// claim is refused with ErrClaimLost and changes nothing; the new
// owner's succeed.
func testLostClaim(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("m", at(0)))
	t0 := at(time.Minute)
	claimAs(t, s, "old", t0, 10*time.Second, "m")
	if n, err := s.StartMailAttempt(ctx, "m", "old", t0, 10*time.Second); err != nil || n != 1 {
		t.Fatalf("StartMailAttempt(old) = %d, %v, want 1", n, err)
	}
	// The old owner stalls past its lease; a new worker claims.
	t1 := t0.Add(11 * time.Second)
	claimAs(t, s, "new", t1, 10*time.Second, "m")
	before, err := s.MailByID(ctx, "m")
	wantOK(t, "MailByID", err)

	wantErr(t, "RenewMail by the lost claim", s.RenewMail(ctx, "m", "old", t1, time.Hour), core.ErrClaimLost)
	_, err = s.StartMailAttempt(ctx, "m", "old", t1, time.Hour)
	wantErr(t, "StartMailAttempt by the lost claim", err, core.ErrClaimLost)
	wantErr(t, "MarkMailFailed by the lost claim", s.MarkMailFailed(ctx, "m", "old", t1, "x"), core.ErrClaimLost)
	wantErr(t, "ReleaseMail by the lost claim", s.ReleaseMail(ctx, "m", "old"), core.ErrClaimLost)
	after, err := s.MailByID(ctx, "m")
	wantOK(t, "MailByID", err)
	if after != before {
		t.Errorf("refused writes changed the message:\nbefore %+v\nafter  %+v", before, after)
	}
	if n, err := s.StartMailAttempt(ctx, "m", "new", t1, 10*time.Second); err != nil || n != 2 {
		t.Errorf("StartMailAttempt(new) = %d, %v, want attempt 2", n, err)
	}
	wantOK(t, "RenewMail(new)", s.RenewMail(ctx, "m", "new", t1.Add(time.Second), 10*time.Second))
}

// A delivery recorded by the old owner (it finished sending after all)
// stands, and it takes the message from the new owner before that one
// sends it: its renewal and start are refused from then on.
func testMarkMailSentEndsClaims(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("m", at(0)))
	t0 := at(time.Minute)
	claimAs(t, s, "old", t0, 10*time.Second, "m")
	claimAs(t, s, "new", t0.Add(time.Minute), 10*time.Second, "m")
	wantOK(t, "MarkMailSent by the old owner", s.MarkMailSent(ctx, "m", t0.Add(time.Minute)))
	wantErr(t, "RenewMail after the delivery", s.RenewMail(ctx, "m", "new", t0.Add(time.Minute), time.Minute), core.ErrClaimLost)
	_, err := s.StartMailAttempt(ctx, "m", "new", t0.Add(time.Minute), time.Minute)
	wantErr(t, "StartMailAttempt after the delivery", err, core.ErrClaimLost)
	// Recorded twice, the first delivery's time stays.
	wantOK(t, "MarkMailSent again", s.MarkMailSent(ctx, "m", t0.Add(time.Hour)))
	if m, err := s.MailByID(ctx, "m"); err != nil || !m.SentAt.Equal(t0.Add(time.Minute)) {
		t.Errorf("sent at %v, %v; want the first delivery's time %v", m.SentAt, err, t0.Add(time.Minute))
	}
}

// StartMailAttempt counts attempts and sets the sending mark; recording
// the outcome clears it. A worker that dies mid-send leaves the mark, so
// the next claimer sees an attempt whose outcome is unknown.
func testMailSendingMark(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("m", at(0)))
	t0 := at(time.Minute)
	claimAs(t, s, "a", t0, 10*time.Second, "m")
	if n, err := s.StartMailAttempt(ctx, "m", "a", t0.Add(time.Second), 10*time.Second); err != nil || n != 1 {
		t.Fatalf("StartMailAttempt = %d, %v, want 1", n, err)
	}
	m, err := s.MailByID(ctx, "m")
	wantOK(t, "MailByID", err)
	if m.Attempts != 1 || !m.Sending.Equal(t0.Add(time.Second)) || !m.LeaseUntil.Equal(t0.Add(11*time.Second)) {
		t.Errorf("after StartMailAttempt: attempts %d, sending %v, lease %v; want 1, %v, %v (renewed)",
			m.Attempts, m.Sending, m.LeaseUntil, t0.Add(time.Second), t0.Add(11*time.Second))
	}
	// The worker dies: the next claim after the lease sees the mark.
	got := claimAs(t, s, "b", t0.Add(11*time.Second), 10*time.Second, "m")
	if got[0].Attempts != 1 || !got[0].Sending.Equal(t0.Add(time.Second)) {
		t.Errorf("claimed after a crash: attempts %d, sending %v; want 1 and the interrupted attempt's start", got[0].Attempts, got[0].Sending)
	}
	// Releasing keeps the mark (the interrupted attempt is still unknown).
	wantOK(t, "ReleaseMail", s.ReleaseMail(ctx, "m", "b"))
	got = claimAs(t, s, "c", t0.Add(12*time.Second), 10*time.Second, "m")
	if !got[0].Sending.Equal(t0.Add(time.Second)) {
		t.Errorf("after a release: sending %v, want it kept", got[0].Sending)
	}
	if n, err := s.StartMailAttempt(ctx, "m", "c", t0.Add(13*time.Second), 10*time.Second); err != nil || n != 2 {
		t.Fatalf("second StartMailAttempt = %d, %v, want 2", n, err)
	}
	wantOK(t, "MarkMailFailed", s.MarkMailFailed(ctx, "m", "c", t0.Add(time.Minute), "451 later"))
	if m, err := s.MailByID(ctx, "m"); err != nil || !m.Sending.IsZero() || m.Claim != "" || m.Attempts != 2 {
		t.Errorf("after a recorded failure: %+v, %v; want no sending mark, no claim, 2 attempts", m, err)
	}
}

// Two claimants never both own a message: for each message whose lease
// ran out, the old owner renewing and a new worker claiming race, and
// exactly one of them wins. Repeated over many messages so the race
// really interleaves.
func testClaimRenewRace(t *testing.T, s core.Store) {
	const total = 60
	for i := range total {
		enqueue(t, s, mail(fmt.Sprintf("m%02d", i), at(time.Duration(i)*time.Millisecond)))
	}
	t0 := at(time.Minute)
	if got := claimAllAs(t, s, "old", t0); len(got) != total {
		t.Fatalf("first claim got %d, want %d", len(got), total)
	}
	later := t0.Add(2 * time.Second) // the old lease (1 s) ran out

	var mu sync.Mutex
	renewed := map[string]bool{}
	stolen := map[string]bool{}
	var wg sync.WaitGroup
	wg.Go(func() {
		for i := range total {
			id := fmt.Sprintf("m%02d", i)
			err := s.RenewMail(t.Context(), id, "old", later, time.Hour)
			switch {
			case err == nil:
				mu.Lock()
				renewed[id] = true
				mu.Unlock()
			case !errors.Is(err, core.ErrClaimLost):
				t.Errorf("RenewMail(%s) = %v", id, err)
			}
		}
	})
	for w := range 3 {
		wg.Go(func() {
			for range total {
				msgs, err := s.ClaimMail(t.Context(), fmt.Sprintf("new%d", w), later, time.Hour, 2)
				if err != nil {
					t.Errorf("ClaimMail = %v", err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					if stolen[m.ID] {
						t.Errorf("message %s claimed twice", m.ID)
					}
					stolen[m.ID] = true
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i := range total {
		id := fmt.Sprintf("m%02d", i)
		if renewed[id] == stolen[id] {
			t.Errorf("message %s: renewed by the old owner %v, claimed by a new one %v; want exactly one", id, renewed[id], stolen[id])
		}
		m, err := s.MailByID(t.Context(), id)
		wantOK(t, "MailByID", err)
		if renewed[id] && m.Claim != "old" || stolen[id] && m.Claim == "old" {
			t.Errorf("message %s is held by %q; renewed %v, stolen %v", id, m.Claim, renewed[id], stolen[id])
		}
	}
}

// claimAllAs claims every due message under token with a 1 s lease.
func claimAllAs(t *testing.T, s core.Store, token string, now time.Time) []core.OutboxMessage {
	t.Helper()
	msgs, err := s.ClaimMail(t.Context(), token, now, time.Second, 1000)
	wantOK(t, "ClaimMail", err)
	return msgs
}

// NextMailDue is the earliest moment an unsent message becomes
// claimable: a lease's end, or a retry's time, whichever is later per
// message; sent mail does not count.
func testNextMailDue(t *testing.T, s core.Store) {
	ctx := t.Context()
	due := func(want time.Time) {
		t.Helper()
		got, err := s.NextMailDue(ctx)
		if err != nil || !got.Equal(want) {
			t.Errorf("NextMailDue = %v, %v; want %v", got, err, want)
		}
	}
	due(time.Time{}) // nothing pending
	retry := mail("retry", at(0))
	retry.NextAttempt = at(time.Hour)
	enqueue(t, s, retry, mail("leased", at(time.Second)))
	t0 := at(time.Minute)
	claimAs(t, s, "a", t0, 30*time.Second, "leased")
	due(t0.Add(30 * time.Second))
	wantOK(t, "RenewMail", s.RenewMail(ctx, "leased", "a", t0.Add(10*time.Second), 30*time.Second))
	due(t0.Add(40 * time.Second))
	wantOK(t, "MarkMailSent", s.MarkMailSent(ctx, "leased", t0))
	due(at(time.Hour))
	enqueue(t, s, mail("now", at(2*time.Second)))
	if got, err := s.NextMailDue(ctx); err != nil || !got.Equal(at(2*time.Second)) {
		t.Errorf("NextMailDue with a message due since it was queued = %v, %v; want %v", got, err, at(2*time.Second))
	}
}
