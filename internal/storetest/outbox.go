package storetest

import (
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func mail(id string, created time.Time) core.OutboxMessage {
	return core.OutboxMessage{
		ID: id, To: id + "@example.com", Subject: "Verify 'your' \"email\" 😀",
		Text: "Hello\n\nhttps://example.com/#/t/" + id, HTML: `<p><a href="x?a=1&b=2">Verify</a></p>`,
		Created: created, NextAttempt: created,
	}
}

func enqueue(t *testing.T, s core.Store, msgs ...core.OutboxMessage) {
	t.Helper()
	for _, m := range msgs {
		if err := s.EnqueueMail(t.Context(), m); err != nil {
			t.Fatalf("EnqueueMail(%s) = %v", m.ID, err)
		}
	}
}

// claim claims at now under a fresh token and returns the claimed ids.
func claim(t *testing.T, s core.Store, now time.Time, lease time.Duration, limit int) []string {
	t.Helper()
	msgs, err := s.ClaimMail(t.Context(), core.NewID(), now, lease, limit)
	if err != nil {
		t.Fatalf("ClaimMail = %v", err)
	}
	out := make([]string, len(msgs))
	for i, m := range msgs {
		out[i] = m.ID
	}
	return out
}

func wantPending(t *testing.T, s core.Store, want int) {
	t.Helper()
	if n, err := s.PendingMail(t.Context()); err != nil || n != want {
		t.Errorf("PendingMail = %d, %v, want %d", n, err, want)
	}
}

func testClaimMail(t *testing.T, s core.Store) {
	ctx := t.Context()
	wantPending(t, s, 0)
	full := mail("m2", at(2*time.Second))
	full.Attempts, full.LastError = 2, "smtp: 451 try later"
	enqueue(t, s, mail("m3", at(3*time.Second)), full, mail("m1", at(time.Second)),
		mail("m0b", at(0)), mail("m0a", at(0)))
	wantErr(t, "EnqueueMail with a taken id", s.EnqueueMail(ctx, mail("m1", at(0))), core.ErrConflict)
	wantPending(t, s, 5)

	now := at(time.Minute)
	// Oldest first, ties in id order.
	if diff := cmp.Diff([]string{"m0a", "m0b"}, claim(t, s, now, time.Minute, 2)); diff != "" {
		t.Errorf("first claim (-want +got):\n%s", diff)
	}
	msgs, err := s.ClaimMail(ctx, "claim-2", now, time.Minute, 10)
	wantOK(t, "ClaimMail", err)
	full.LeaseUntil, full.Claim = now.Add(time.Minute), "claim-2"
	want := []core.OutboxMessage{mail("m1", at(time.Second)), full, mail("m3", at(3*time.Second))}
	for _, i := range []int{0, 2} {
		want[i].LeaseUntil, want[i].Claim = full.LeaseUntil, full.Claim
	}
	if diff := cmp.Diff(want, msgs); diff != "" {
		t.Errorf("second claim (-want +got):\n%s", diff)
	}
	if got := claim(t, s, now, time.Minute, 10); len(got) != 0 {
		t.Errorf("third claim = %v, want nothing (all leased)", got)
	}
	if got := claim(t, s, now.Add(time.Hour), time.Minute, 0); len(got) != 0 {
		t.Errorf("claim with limit 0 = %v, want nothing", got)
	}
	wantPending(t, s, 5) // claimed is not sent
}

func testClaimMailNextAttempt(t *testing.T, s core.Store) {
	later := mail("later", at(0))
	later.NextAttempt = at(time.Hour)
	enqueue(t, s, later, mail("due", at(time.Second)))

	if diff := cmp.Diff([]string{"due"}, claim(t, s, at(time.Minute), 24*time.Hour, 10)); diff != "" {
		t.Errorf("claim before next attempt (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"later"}, claim(t, s, at(time.Hour), time.Minute, 10)); diff != "" {
		t.Errorf("claim at next attempt (-want +got):\n%s", diff)
	}
}

func testClaimMailLeases(t *testing.T, s core.Store) {
	enqueue(t, s, mail("m", at(0)))
	now := at(time.Minute)
	if got := claim(t, s, now, time.Minute, 1); len(got) != 1 {
		t.Fatalf("first claim = %v, want m", got)
	}
	if got := claim(t, s, now.Add(59*time.Second), time.Minute, 1); len(got) != 0 {
		t.Errorf("claim while leased = %v, want nothing", got)
	}
	// The worker holding the lease died: once it runs out, the message is
	// claimable again, with a fresh lease.
	msgs, err := s.ClaimMail(t.Context(), "second", now.Add(time.Minute), 2*time.Minute, 1)
	wantOK(t, "ClaimMail", err)
	if len(msgs) != 1 || !msgs[0].LeaseUntil.Equal(now.Add(3*time.Minute)) || msgs[0].Claim != "second" {
		t.Errorf("claim after the lease ran out = %v, want m leased until %v by the second claim", msgs, now.Add(3*time.Minute))
	}
	if _, err := s.ClaimMail(t.Context(), "", now.Add(time.Hour), time.Minute, 1); err == nil {
		t.Error("ClaimMail with an empty claim token succeeded, want an error (an empty token matches unclaimed mail)")
	}
}

func testClaimMailConcurrently(t *testing.T, s core.Store) {
	const total, workers = 40, 4
	for i := range total {
		enqueue(t, s, mail(fmt.Sprintf("m%02d", i), at(time.Duration(i)*time.Millisecond)))
	}
	var mu sync.Mutex
	seen := map[string]int{}
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			// Bounded, so a store that hands out leased messages again
			// fails the test instead of hanging it.
			for range total {
				msgs, err := s.ClaimMail(t.Context(), core.NewID(), at(time.Minute), time.Hour, 3)
				if err != nil {
					t.Errorf("ClaimMail = %v", err)
					return
				}
				if len(msgs) == 0 {
					return
				}
				mu.Lock()
				for _, m := range msgs {
					seen[m.ID]++
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if len(seen) != total {
		t.Errorf("claimed %d distinct messages, want %d", len(seen), total)
	}
	for id, n := range seen {
		if n != 1 {
			t.Errorf("message %s claimed %d times", id, n)
		}
	}
}

func testReleaseMail(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("a", at(0)))
	now := at(time.Minute)
	if _, err := s.ClaimMail(ctx, "first", now, time.Hour, 10); err != nil {
		t.Fatalf("ClaimMail = %v", err)
	}
	if got := claim(t, s, now, time.Hour, 10); len(got) != 0 {
		t.Fatalf("second claim while leased = %v, want nothing", got)
	}
	wantErr(t, "ReleaseMail by another claim", s.ReleaseMail(ctx, "a", "other"), core.ErrClaimLost)
	wantOK(t, "ReleaseMail", s.ReleaseMail(ctx, "a", "first"))
	wantErr(t, "ReleaseMail twice", s.ReleaseMail(ctx, "a", "first"), core.ErrClaimLost)
	msgs, err := s.ClaimMail(ctx, "again", now, time.Hour, 10)
	wantOK(t, "ClaimMail", err)
	if len(msgs) != 1 || msgs[0].Attempts != 0 || msgs[0].LastError != "" || !msgs[0].Sending.IsZero() || msgs[0].Claim != "again" {
		t.Fatalf("claim after release = %+v, want the message under the new claim, no attempt recorded", msgs)
	}
}

func testMarkMail(t *testing.T, s core.Store) {
	ctx := t.Context()
	enqueue(t, s, mail("sent", at(0)), mail("failed", at(time.Second)))
	now := at(time.Minute)
	if got, err := s.ClaimMail(ctx, "c1", now, 10*time.Minute, 10); err != nil || len(got) != 2 {
		t.Fatalf("claim = %v, %v, want both", got, err)
	}
	if n, err := s.StartMailAttempt(ctx, "failed", "c1", now, 10*time.Minute); err != nil || n != 1 {
		t.Fatalf("StartMailAttempt = %d, %v, want attempt 1", n, err)
	}

	before, err := s.MailByID(ctx, "sent")
	wantOK(t, "MailByID", err)
	if before.Text == "" || before.HTML == "" {
		t.Fatalf("MailByID before sending lost the bodies: %+v", before)
	}
	wantOK(t, "MarkMailSent", s.MarkMailSent(ctx, "sent", now.Add(time.Second)))
	wantPending(t, s, 1)
	// Delivered bodies are erased (they carry one-time tokens); the
	// delivery record stays.
	sent, err := s.MailByID(ctx, "sent")
	wantOK(t, "MailByID", err)
	if sent.Text != "" || sent.HTML != "" || sent.To != before.To || sent.Subject != before.Subject ||
		!sent.SentAt.Equal(now.Add(time.Second)) || !sent.LeaseUntil.IsZero() || sent.Claim != "" {
		t.Errorf("sent message = %+v; want bodies erased, recipient, subject and sent time kept, no lease or claim", sent)
	}
	_, err = s.MailByID(ctx, "nope")
	wantErr(t, "MailByID of a missing id", err, core.ErrNotFound)
	next := now.Add(5 * time.Minute) // before the 10 minute lease runs out
	wantErr(t, "MarkMailFailed by another claim", s.MarkMailFailed(ctx, "failed", "c2", next, "x"), core.ErrClaimLost)
	wantOK(t, "MarkMailFailed", s.MarkMailFailed(ctx, "failed", "c1", next, "dial tcp: connection refused"))
	wantPending(t, s, 1)

	if got := claim(t, s, next.Add(-time.Millisecond), time.Minute, 10); len(got) != 0 {
		t.Errorf("claim before the retry time = %v, want nothing", got)
	}
	// The failure cleared the lease, so the retry is due at next even
	// though the lease would still run; the sent message never returns.
	msgs, err := s.ClaimMail(ctx, "c3", next, time.Minute, 10)
	wantOK(t, "ClaimMail", err)
	want := mail("failed", at(time.Second))
	want.Attempts, want.NextAttempt, want.LastError = 1, next, "dial tcp: connection refused"
	want.LeaseUntil, want.Claim = next.Add(time.Minute), "c3"
	if diff := cmp.Diff([]core.OutboxMessage{want}, msgs); diff != "" {
		t.Errorf("claim after failure (-want +got):\n%s", diff)
	}

	wantErr(t, "MarkMailSent of a missing id", s.MarkMailSent(ctx, "nope", now), core.ErrNotFound)
	wantErr(t, "ReleaseMail of a missing id", s.ReleaseMail(ctx, "nope", "c1"), core.ErrNotFound)
	wantErr(t, "MarkMailFailed of a missing id", s.MarkMailFailed(ctx, "nope", "c1", now, "x"), core.ErrNotFound)
	wantOK(t, "MarkMailSent", s.MarkMailSent(ctx, "failed", next))
	wantPending(t, s, 0)
	if got := claim(t, s, at(24*time.Hour), time.Minute, 10); len(got) != 0 {
		t.Errorf("claim after everything was sent = %v, want nothing", got)
	}
}
