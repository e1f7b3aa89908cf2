package mail

import (
	"context"
	"errors"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// errDead is what a dead worker's store calls "return": nothing it does
// reaches the database any more.
var errDead = errors.New("test: this worker's process is dead")

// crashable is a store as one worker sees it. After die, every call
// fails, as a process that died makes no more calls; with renewFails
// only renewals fail, as when the database stops answering a live worker.
type crashable struct {
	core.OutboxStore
	dead       atomic.Bool
	renewFails atomic.Bool
}

func (c *crashable) die() { c.dead.Store(true) }

func (c *crashable) alive() error {
	if c.dead.Load() {
		return errDead
	}
	return nil
}

func (c *crashable) ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if err := c.alive(); err != nil {
		return nil, err
	}
	return c.OutboxStore.ClaimMail(ctx, claim, now, lease, limit)
}

func (c *crashable) RenewMail(ctx context.Context, id, claim string, now time.Time, lease time.Duration) error {
	if c.renewFails.Load() {
		return errors.New("test: the database does not answer")
	}
	if err := c.alive(); err != nil {
		return err
	}
	return c.OutboxStore.RenewMail(ctx, id, claim, now, lease)
}

func (c *crashable) StartMailAttempt(ctx context.Context, id, claim string, now time.Time, lease time.Duration) (int, error) {
	if err := c.alive(); err != nil {
		return 0, err
	}
	return c.OutboxStore.StartMailAttempt(ctx, id, claim, now, lease)
}

func (c *crashable) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	if err := c.alive(); err != nil {
		return err
	}
	return c.OutboxStore.MarkMailSent(ctx, id, at)
}

func (c *crashable) MarkMailFailed(ctx context.Context, id, claim string, next time.Time, lastErr string) error {
	if err := c.alive(); err != nil {
		return err
	}
	return c.OutboxStore.MarkMailFailed(ctx, id, claim, next, lastErr)
}

func (c *crashable) ReleaseMail(ctx context.Context, id, claim string) error {
	if err := c.alive(); err != nil {
		return err
	}
	return c.OutboxStore.ReleaseMail(ctx, id, claim)
}

func (c *crashable) NextMailDue(ctx context.Context) (time.Time, error) {
	if err := c.alive(); err != nil {
		return time.Time{}, err
	}
	return c.OutboxStore.NextMailDue(ctx)
}

// enqueueOne queues one message in any store and returns its id.
func enqueueOne(t *testing.T, s core.OutboxStore) string {
	t.Helper()
	now := time.Now()
	m := core.OutboxMessage{ID: core.NewID(), To: "carol@example.com", Subject: "Reset your password",
		Text: "https://example.com/reset/token", HTML: "<p>reset</p>", Created: now, NextAttempt: now}
	if err := s.EnqueueMail(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	return m.ID
}

// startSending runs worker A on store until its attempt is at the SMTP
// server, which received the whole message and holds it unanswered: the
// moment a crash leaves unknown whether the mail went out.
func startSending(t *testing.T, store core.OutboxStore, lease time.Duration) (a *crashable, w *Worker, srv *smtptest.Server, held smtptest.Message, done chan struct{}, cancel context.CancelFunc) {
	t.Helper()
	srv = smtptest.Start(t)
	srv.HoldNext(1)
	// A send timeout far beyond the lease: only the lease can stop it.
	sender, err := NewSMTP(srv.URL(), testFrom, SMTPOptions{Timeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	a = &crashable{OutboxStore: store}
	w = NewWorker(a, sender, WorkerOptions{Poll: time.Hour, Lease: lease, SendTimeout: time.Minute, RetryBase: time.Hour})
	cancel, done, _ = runWorker(t, w)
	held = srv.WaitHeld(t, 1, 10*time.Second)[0]
	return a, w, srv, held, done, cancel
}

// A worker dies mid-send; another one (polling only hourly) delivers the
// mail as soon as the dead worker's lease runs out, never before, with
// the first attempt's Message-ID, and counts the retry as one that may
// be a duplicate.
func TestCrashedWorkersMailGoesOutWithinLease(t *testing.T) {
	t.Parallel()
	for _, st := range realStores() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			const lease = 1500 * time.Millisecond
			store := st.open(t)
			id := enqueueOne(t, store)
			a, _, srv, held, doneA, cancelA := startSending(t, store, lease)

			a.die()
			cancelA()
			died := time.Now()
			m, err := store.MailByID(t.Context(), id)
			if err != nil || m.Sending.IsZero() || m.Attempts != 1 {
				t.Fatalf("message after the crash = %+v, %v; want attempt 1 marked as sending", m, err)
			}
			leaseEnd := m.LeaseUntil // the dead worker renews no more

			sender, err := NewSMTP(srv.URL(), testFrom, SMTPOptions{Timeout: 5 * time.Second})
			if err != nil {
				t.Fatal(err)
			}
			b := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, Lease: lease, SendTimeout: 5 * time.Second})
			runWorker(t, b)
			msgs := srv.WaitFor(t, 1, 10*time.Second)
			arrived := time.Now()
			took := arrived.Sub(died)
			t.Logf("delivered %v after the crash (lease %v)", took.Round(time.Millisecond), lease)
			if took > lease+time.Second {
				t.Errorf("delivered %v after the crash, want within the lease (%v) plus 1s", took, lease)
			}
			if arrived.Before(leaseEnd) {
				t.Errorf("delivered at %v, before the dead worker's lease ran out at %v", arrived, leaseEnd)
			}
			if got, want := msgs[0].Header(t).Get("Message-ID"), held.Header(t).Get("Message-ID"); got != want || got != "<"+id+"@localhost>" {
				t.Errorf("Message-ID of the retry %q, of the interrupted attempt %q; want both <%s@localhost>", got, want, id)
			}
			waitFor(t, 5*time.Second, "the delivery recorded", func() bool { return b.Stats().Sent == 1 })
			if s := b.Stats(); s.Interrupted != 1 {
				t.Errorf("second worker's stats = %+v, want the interrupted attempt counted", s)
			}
			if m, err := store.MailByID(t.Context(), id); err != nil || m.SentAt.IsZero() || m.Attempts != 2 || !m.Sending.IsZero() {
				t.Errorf("message after delivery = %+v, %v; want sent after 2 attempts, no sending mark", m, err)
			}
			<-doneA
			if n := len(srv.Messages()); n != 1 {
				t.Errorf("%d messages delivered, want 1", n)
			}
		})
	}
}

// A worker that stalled past its lease (say, a paused VM) and lost the
// message to another claim stops its send at its next renewal, mid-DATA,
// and records nothing: the message is the new claim's.
func TestLostClaimStopsSend(t *testing.T) {
	t.Parallel()
	for _, st := range realStores() {
		t.Run(st.name, func(t *testing.T) {
			t.Parallel()
			const lease = 900 * time.Millisecond
			store := st.open(t)
			id := enqueueOne(t, store)
			_, w, srv, _, doneA, _ := startSending(t, store, lease)

			// Seen from a clock an hour on, A's lease ran out long ago.
			stolen, err := store.ClaimMail(t.Context(), "thief", time.Now().Add(time.Hour), time.Hour, 10)
			if err != nil || len(stolen) != 1 {
				t.Fatalf("steal = %v, %v; want the message", stolen, err)
			}
			at := time.Now()
			waitFor(t, 5*time.Second, "the send cut off", func() bool { return w.Stats().Abandoned == 1 })
			if took := time.Since(at); took > lease {
				t.Errorf("send stopped %v after the claim was lost, want within a renewal period (%v)", took, lease/3)
			}
			m, err := store.MailByID(t.Context(), id)
			if err != nil || m.Claim != "thief" || m.LastError != "" || m.Attempts != 1 || m.Sending.IsZero() {
				t.Errorf("message = %+v, %v; want it untouched under the thief's claim", m, err)
			}
			if n := len(srv.Messages()); n != 0 {
				t.Errorf("%d messages delivered, want none", n)
			}
			if s := w.Stats(); s.Failed != 0 || s.Sent != 0 {
				t.Errorf("stats = %+v, want nothing recorded", s)
			}
			select {
			case <-doneA:
				t.Error("worker stopped; want it running")
			default:
			}
		})
	}
}

// While a send takes several leases, the claim is renewed and no other
// claimer gets the message.
func TestLeaseRenewedDuringLongSend(t *testing.T) {
	t.Parallel()
	const lease = 1500 * time.Millisecond
	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t"})
	sender := &blockingSender{started: make(chan string, 1), release: make(chan struct{}), ctxErr: make(chan error, 1)}
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, Lease: lease, SendTimeout: time.Minute})
	runWorker(t, w)
	<-sender.started

	for range 4 {
		// Waiting on the renewals themselves, not on time: each one
		// pushes the lease on.
		n := store.renewed(ids[0])
		waitFor(t, 5*time.Second, "a renewal", func() bool { return store.renewed(ids[0]) > n })
		if got, err := store.ClaimMail(t.Context(), "other", time.Now(), lease, 10); err != nil || len(got) != 0 {
			t.Fatalf("another claim during the send = %v, %v; want nothing", got, err)
		}
	}
	close(sender.release)
	if err := <-sender.ctxErr; err != nil {
		t.Errorf("send context ended with %v, want it alive until the send returned", err)
	}
	waitFor(t, 5*time.Second, "marked sent", func() bool { return w.Stats().Sent == 1 })
	if s := w.Stats(); s.Abandoned != 0 || s.Failed != 0 {
		t.Errorf("stats = %+v, want one clean delivery", s)
	}
}

// A live worker that cannot renew (the database stopped answering) cuts
// its send off while its lease still runs, so no other worker can have
// claimed the message yet; the failure is recorded once the store
// answers again.
func TestUnrenewableLeaseCutsSendBeforeExpiry(t *testing.T) {
	t.Parallel()
	const lease = 1500 * time.Millisecond
	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t"})
	a := &crashable{OutboxStore: store}
	a.renewFails.Store(true)
	sender := &cutSender{stopped: make(chan cut, 1), store: store}
	w := NewWorker(a, sender, WorkerOptions{Poll: time.Hour, Lease: lease, SendTimeout: time.Minute, RetryBase: time.Hour})
	runWorker(t, w)

	c := <-sender.stopped
	if !errors.Is(c.cause, errLeaseRunningOut) {
		t.Errorf("send stopped by %v, want the lease running out", c.cause)
	}
	// No renewal got through, so the lease the store holds is the one
	// StartMailAttempt wrote; the send must stop a third of it before its
	// end.
	if margin := c.leaseEnd.Sub(c.at); margin < lease/6 {
		t.Errorf("send stopped %v before the lease ran out, want about a third of it (%v)", margin, lease/3)
	}
	waitFor(t, 5*time.Second, "the failure recorded", func() bool { _, f, _ := store.snapshot(); return len(f) == 1 })
	m := store.get(t, ids[0])
	if !strings.Contains(m.LastError, "could not be renewed") || m.Claim != "" || !m.Sending.IsZero() {
		t.Errorf("message = %+v, want the cut-off recorded as a failure, claim and mark cleared", m)
	}
	if s := w.Stats(); s.Abandoned != 1 || s.Failed != 1 {
		t.Errorf("stats = %+v, want 1 abandoned and 1 failed", s)
	}
}

// cut is when and why a send was stopped, with the lease the store held.
type cut struct {
	at       time.Time
	cause    error
	leaseEnd time.Time
}

// cutSender blocks until its context ends and reports when and why.
type cutSender struct {
	stopped chan cut
	store   *fakeStore
}

func (c *cutSender) Send(ctx context.Context, m core.OutboxMessage) error {
	<-ctx.Done()
	at := time.Now()
	held, err := c.store.MailByID(context.Background(), m.ID)
	if err != nil {
		return err
	}
	c.stopped <- cut{at: at, cause: context.Cause(ctx), leaseEnd: held.LeaseUntil}
	return ctx.Err()
}
