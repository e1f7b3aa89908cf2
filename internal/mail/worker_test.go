package mail

import (
	"context"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/smtptest"
)

// recordSender records the ids it was asked to send.
type recordSender struct {
	mu   sync.Mutex
	sent []string
}

func (r *recordSender) Send(_ context.Context, m core.OutboxMessage) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, m.ID)
	return nil
}

func (r *recordSender) ids() []string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]string(nil), r.sent...)
}

// runWorker runs w until the test ends or cancel is called. done is
// closed when Run returns, with Run's error stored in *errp.
func runWorker(t *testing.T, w *Worker) (cancel context.CancelFunc, done chan struct{}, errp *error) {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	done = make(chan struct{})
	errp = new(error)
	go func() {
		defer close(done)
		*errp = w.Run(ctx)
	}()
	t.Cleanup(func() {
		cancel()
		<-done
	})
	return cancel, done, errp
}

func TestWorkerDeliversOverSMTP(t *testing.T) {
	t.Parallel()
	srv := smtptest.Start(t)
	sender, err := NewSMTP(srv.URL(), testFrom, SMTPOptions{Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	store := newFakeStore()
	ids := enqueue(t, store,
		core.OutboxMessage{To: "a@example.com", Subject: "one", Text: "1", HTML: "<p>1</p>"},
		core.OutboxMessage{To: "b@example.com", Subject: "two", Text: "2", HTML: "<p>2</p>"},
		core.OutboxMessage{To: "c@example.com", Subject: "three", Text: "3", HTML: "<p>3</p>"},
	)
	// Batch 2 with an hour's poll: the third message only goes out if a
	// full batch makes the worker claim again at once.
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, Batch: 2})
	runWorker(t, w)

	msgs := srv.WaitFor(t, 3, 5*time.Second)
	var got []string
	for _, m := range msgs {
		got = append(got, m.To[0]+" "+m.Subject(t)+" "+m.Text(t))
	}
	want := []string{"a@example.com one 1", "b@example.com two 2", "c@example.com three 3"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("delivered (-want +got):\n%s", diff)
	}
	waitFor(t, 2*time.Second, "all marked sent", func() bool {
		n, _ := store.PendingMail(context.Background())
		return n == 0
	})
	for _, id := range ids {
		if m := store.get(t, id); m.SentAt.IsZero() || !m.LeaseUntil.IsZero() || m.Claim != "" || !m.Sending.IsZero() || m.Attempts != 1 {
			t.Errorf("message %s = %+v; want sent, no lease, claim or sending mark, 1 attempt", id, m)
		}
	}
}

func TestWorkerRetriesThroughOutage(t *testing.T) {
	t.Parallel()
	const password = "outage-secret"
	srv := smtptest.StartWithAuth(t, "mailer", password)
	sender, err := NewSMTP(srv.URL(), testFrom, SMTPOptions{Timeout: 2 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	srv.Stop()

	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t", HTML: "<p>t</p>"})
	base, maxDelay := 20*time.Millisecond, 80*time.Millisecond
	w := NewWorker(store, sender, WorkerOptions{Poll: 5 * time.Millisecond, RetryBase: base, RetryMax: maxDelay})
	runWorker(t, w)

	waitFor(t, 5*time.Second, "four failed attempts", func() bool {
		_, failures, _ := store.snapshot()
		return len(failures) >= 4
	})
	srv.Restart(t)
	srv.WaitFor(t, 1, 5*time.Second)
	waitFor(t, 2*time.Second, "marked sent", func() bool { return !store.get(t, ids[0]).SentAt.IsZero() })

	_, failures, marks := store.snapshot()
	for i, f := range failures {
		if f.attempts != i+1 {
			t.Errorf("failure %d: attempts = %d, want %d", i, f.attempts, i+1)
		}
		full := min(base<<i, maxDelay)
		// The worker reads its clock just before recording, so the gap
		// to the recorded wall time is slightly under the delay it drew.
		if gap := f.next.Sub(f.at); gap < full/2-10*time.Millisecond || gap > full {
			t.Errorf("failure %d: retry in %v, want within [%v, %v]", i, gap, full/2, full)
		}
		if f.errText == "" || strings.Contains(f.errText, password) {
			t.Errorf("failure %d: error text %q, want a reason without the password", i, f.errText)
		}
	}
	// Exactly once: wake the worker again and make sure it finds nothing.
	claims, _, _ := store.snapshot()
	w.Notify()
	waitFor(t, 2*time.Second, "another claim", func() bool {
		c, _, _ := store.snapshot()
		return len(c) > len(claims)
	})
	if n := len(srv.Messages()); n != 1 {
		t.Errorf("server got %d messages, want exactly 1", n)
	}
	if marks[ids[0]] != 1 {
		t.Errorf("MarkMailSent calls = %d, want 1", marks[ids[0]])
	}
}

func TestWorkerNotifyWakesPromptly(t *testing.T) {
	t.Parallel()
	store := newFakeStore()
	sender := &recordSender{}
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour})
	runWorker(t, w)
	waitFor(t, 2*time.Second, "the first (empty) claim", func() bool {
		c, _, _ := store.snapshot()
		return len(c) == 1
	})

	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t"})
	w.Notify()
	waitFor(t, 2*time.Second, "delivery after Notify", func() bool { return len(sender.ids()) == 1 })
	if diff := cmp.Diff(ids, sender.ids()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

func TestNotifyNeverBlocks(t *testing.T) {
	t.Parallel()
	w := NewWorker(newFakeStore(), &recordSender{}, WorkerOptions{})
	for range 100 {
		w.Notify() // nobody is running: must not block
	}
	if n := len(w.wake); n != 1 {
		t.Errorf("pending wake-ups = %d, want 1 (coalesced)", n)
	}
}

func TestWorkerLeaseExpiry(t *testing.T) {
	t.Parallel()
	t0 := time.Date(2030, 1, 1, 12, 0, 0, 0, time.UTC)
	var clock atomic.Pointer[time.Time]
	setClock := func(d time.Duration) { now := t0.Add(d); clock.Store(&now) }
	setClock(5 * time.Minute)

	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t"})
	// A worker that died right after claiming: the message is leased
	// until t0+10m and nobody will ever mark it.
	if got, err := store.ClaimMail(context.Background(), "dead-worker", t0, 10*time.Minute, 10); err != nil || len(got) != 1 {
		t.Fatalf("ClaimMail() = %d messages, %v; want 1", len(got), err)
	}

	sender := &recordSender{}
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, Now: func() time.Time { return *clock.Load() }})
	runWorker(t, w)
	waitFor(t, 2*time.Second, "a claim while the lease runs", func() bool {
		c, _, _ := store.snapshot()
		return len(c) >= 2
	})
	if claims, _, _ := store.snapshot(); claims[1].got != 0 || len(sender.ids()) != 0 {
		t.Fatalf("while leased: claim got %d, sent %v; want nothing", claims[1].got, sender.ids())
	}

	setClock(11 * time.Minute)
	w.Notify()
	waitFor(t, 2*time.Second, "delivery after the lease expired", func() bool { return len(sender.ids()) == 1 })
	if diff := cmp.Diff(ids, sender.ids()); diff != "" {
		t.Errorf("sent (-want +got):\n%s", diff)
	}
}

// blockingSender blocks each send until released, then reports whether
// the context it was given had been cancelled by then.
type blockingSender struct {
	started  chan string
	release  chan struct{}
	ctxErr   chan error
	attempts atomic.Int32
}

func (b *blockingSender) Send(ctx context.Context, m core.OutboxMessage) error {
	b.attempts.Add(1)
	b.started <- m.ID
	select {
	case <-b.release:
	case <-ctx.Done():
	}
	b.ctxErr <- ctx.Err()
	return ctx.Err()
}

func TestWorkerShutdownFinishesInFlight(t *testing.T) {
	t.Parallel()
	store := newFakeStore()
	ids := enqueue(t, store,
		core.OutboxMessage{To: "a@example.com", Subject: "first", Text: "t"},
		core.OutboxMessage{To: "b@example.com", Subject: "second", Text: "t"},
	)
	sender := &blockingSender{started: make(chan string, 2), release: make(chan struct{}), ctxErr: make(chan error, 2)}
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, SendTimeout: 5 * time.Second})
	cancel, done, errp := runWorker(t, w)

	if got := <-sender.started; got != ids[0] {
		t.Fatalf("first send = %s, want %s", got, ids[0])
	}
	cancel()
	close(sender.release)
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		t.Fatal("Run did not return after cancel")
	}
	if *errp != nil {
		t.Errorf("Run() = %v, want nil", *errp)
	}
	if err := <-sender.ctxErr; err != nil {
		t.Errorf("in-flight send saw context error %v, want a context that outlives the cancel", err)
	}
	if n := sender.attempts.Load(); n != 1 {
		t.Errorf("send attempts = %d, want 1 (nothing new after cancel)", n)
	}
	if m := store.get(t, ids[0]); m.SentAt.IsZero() {
		t.Error("in-flight message not marked sent")
	}
	// The untried one is released: no attempt recorded, no lease, so the
	// next worker (or the next start) sends it at once.
	if m := store.get(t, ids[1]); !m.SentAt.IsZero() || m.Attempts != 0 || m.LastError != "" || !m.LeaseUntil.IsZero() {
		t.Errorf("untried message = %+v, want unsent, 0 attempts, released", m)
	}
}

func TestWorkerBackoff(t *testing.T) {
	t.Parallel()
	w := NewWorker(newFakeStore(), &recordSender{}, WorkerOptions{RetryBase: time.Second, RetryMax: 10 * time.Second})
	tests := []struct {
		prior int
		full  time.Duration
	}{
		{0, time.Second},
		{1, 2 * time.Second},
		{3, 8 * time.Second},
		{4, 10 * time.Second},
		{1000, 10 * time.Second}, // no overflow
	}
	for _, tt := range tests {
		for range 50 {
			if got := w.backoff(tt.prior); got < tt.full/2 || got > tt.full {
				t.Errorf("backoff(%d) = %v, want within [%v, %v]", tt.prior, got, tt.full/2, tt.full)
				break
			}
		}
	}
}

func TestWorkerOptionDefaults(t *testing.T) {
	t.Parallel()
	// A lease shorter than the send timeout stays as it is: it is renewed
	// while a send runs.
	w := NewWorker(newFakeStore(), &recordSender{}, WorkerOptions{SendTimeout: time.Minute, Lease: 3 * time.Second})
	if w.opts.Lease != 3*time.Second {
		t.Errorf("Lease = %v with SendTimeout %v, want 3s kept", w.opts.Lease, w.opts.SendTimeout)
	}
	d := NewWorker(newFakeStore(), &recordSender{}, WorkerOptions{}).opts
	got := []any{d.Poll, d.Lease, d.SendTimeout, d.RetryBase, d.RetryMax, d.Batch}
	want := []any{5 * time.Second, 20 * time.Second, 30 * time.Second, 2 * time.Second, 10 * time.Minute, 10}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("defaults (-want +got):\n%s", diff)
	}
}

func TestErrorText(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
		n              int
	}{
		{"short", "dial failed", "dial failed", 100},
		{"invalid-utf8", "bad \xff byte\x00", "bad \uFFFD byte", 100},
		{"cut-on-rune", "aé", "a", 2},
	}
	for _, tt := range tests {
		if got := errorText(errors.New(tt.in), tt.n); got != tt.want {
			t.Errorf("%s: errorText(%q, %d) = %q, want %q", tt.name, tt.in, tt.n, got, tt.want)
		}
	}
}

// TestWorkerShutdownDuringClaim cancels the worker while its claim is in
// flight. A database may commit such a claim anyway; the worker must
// still learn of it and release the message, not strand it leased.
func TestWorkerShutdownDuringClaim(t *testing.T) {
	t.Parallel()
	store := newFakeStore()
	ids := enqueue(t, store, core.OutboxMessage{To: "a@example.com", Subject: "s", Text: "t"})
	sender := &recordSender{}
	w := NewWorker(store, sender, WorkerOptions{Poll: time.Hour, SendTimeout: 5 * time.Second})
	ctx, cancel := context.WithCancel(t.Context())
	store.afterClaim = cancel
	if err := w.Run(ctx); err != nil {
		t.Fatalf("Run() = %v", err)
	}
	if m := store.get(t, ids[0]); !m.LeaseUntil.IsZero() || !m.SentAt.IsZero() || m.Attempts != 0 {
		t.Errorf("message after a shutdown during its claim = %+v, want released, unsent, unattempted", m)
	}
}
