package mail

import (
	"context"
	"log/slog"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Sender delivers one message. Implementations must keep credentials out
// of the errors they return: the worker stores the error text
// and logs it.
type Sender interface {
	Send(ctx context.Context, m core.OutboxMessage) error
}

// WorkerOptions tune a Worker. Zero values take the defaults.
type WorkerOptions struct {
	// Poll is how long the worker sleeps when nothing is due (default
	// 5s). Notify cuts the sleep short.
	Poll time.Duration
	// Lease is how long a claimed message belongs to this worker (default
	// 2m). If the process dies, the message becomes claimable again when
	// the lease runs out. It must cover SendTimeout plus the few seconds
	// needed to record the outcome; a smaller value is raised to twice
	// that.
	Lease time.Duration
	// SendTimeout bounds one delivery attempt (default 30s).
	SendTimeout time.Duration
	// RetryBase is the wait after a first failure (default 2s); it
	// doubles with each further failure up to RetryMax (default 10m).
	RetryBase time.Duration
	RetryMax  time.Duration
	// Batch is how many messages one claim takes (default 10).
	Batch int
	// Now is the clock; nil means time.Now.
	Now    func() time.Time
	Logger *slog.Logger
}

const (
	// markTimeout bounds the store write that records an attempt.
	markTimeout = 10 * time.Second
	// maxErrorText caps the error text stored with a failed attempt.
	maxErrorText = 1000
)

// Worker drains the outbox: it claims due messages, hands each to a
// Sender, and records the outcome. A message is never dropped: a failed
// one is retried with exponential backoff, forever, at most RetryMax
// apart. Delivery is at least once: a crash between a send and its record
// sends the message again after the lease runs out.
type Worker struct {
	store  core.OutboxStore
	sender Sender
	opts   WorkerOptions
	log    *slog.Logger
	wake   chan struct{}
}

// NewWorker returns a worker that sends store's outbox through sender.
func NewWorker(store core.OutboxStore, sender Sender, opts WorkerOptions) *Worker {
	if opts.Poll <= 0 {
		opts.Poll = 5 * time.Second
	}
	if opts.SendTimeout <= 0 {
		opts.SendTimeout = 30 * time.Second
	}
	if opts.Lease <= 0 {
		opts.Lease = 2 * time.Minute
	}
	if opts.Lease <= opts.SendTimeout+markTimeout {
		opts.Lease = 2 * (opts.SendTimeout + markTimeout)
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 2 * time.Second
	}
	if opts.RetryMax <= 0 {
		opts.RetryMax = 10 * time.Minute
	}
	opts.RetryMax = max(opts.RetryMax, opts.RetryBase)
	if opts.Batch <= 0 {
		opts.Batch = 10
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Worker{store: store, sender: sender, opts: opts, log: log, wake: make(chan struct{}, 1)}
}

// Notify wakes the worker to look for due mail now rather than at the
// next poll. It never blocks, and wake-ups that arrive while one is
// pending coalesce into one. Pass it as core.Deps.MailQueued.
func (w *Worker) Notify() {
	select {
	case w.wake <- struct{}{}:
	default:
	}
}

// Run sends mail until ctx is cancelled, then returns nil. On
// cancellation it claims nothing more; a message being sent is allowed to
// finish (within SendTimeout) and its outcome is recorded. Messages it
// had claimed but not yet tried are released back to the outbox, so the
// next worker (or the next start) sends them at once; if even that fails
// they are claimable when their lease runs out. Nothing queued is lost.
func (w *Worker) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		if w.drain(ctx) {
			continue // a full batch: more may be due
		}
		timer := time.NewTimer(w.opts.Poll)
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
	return nil
}

// drain claims one batch and tries each message in it. It reports
// whether the batch was full, that is, whether more may be waiting.
func (w *Worker) drain(ctx context.Context) bool {
	// The claim runs detached from ctx: a claim cancelled mid-flight may
	// still commit on a database server, leaving messages leased to a
	// worker that never learns of them, so they wait out the whole lease.
	// Once it returns, messages claimed during a shutdown are released.
	claimCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	claimedAt := w.opts.Now()
	msgs, err := w.store.ClaimMail(claimCtx, claimedAt, w.opts.Lease, w.opts.Batch)
	cancel()
	if err != nil {
		if ctx.Err() == nil {
			w.log.Warn("mail outbox: claim failed", "err", err)
		}
		return false
	}
	leaseEnd := claimedAt.Add(w.opts.Lease)
	for i, m := range msgs {
		if ctx.Err() != nil {
			w.release(ctx, msgs[i:]) // shutting down
			return false
		}
		// Starting a send that could outlive the lease would let another
		// worker claim the message meanwhile and send it twice.
		if w.opts.Now().Add(w.opts.SendTimeout + markTimeout).After(leaseEnd) {
			w.log.Warn("mail outbox: lease too short for the rest of the batch; releasing them",
				"lease", w.opts.Lease, "batch", w.opts.Batch)
			w.release(ctx, msgs[i:])
			return false
		}
		w.deliver(ctx, m)
	}
	return len(msgs) == w.opts.Batch
}

// release hands claimed, unattempted messages back to the outbox. A
// failure only delays them until their lease runs out.
func (w *Worker) release(ctx context.Context, msgs []core.OutboxMessage) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	for _, m := range msgs {
		if err := w.store.ReleaseMail(rctx, m.ID); err != nil {
			w.log.Warn("mail outbox: release failed; the message waits for its lease", "id", m.ID, "err", err)
		}
	}
}

// deliver makes one attempt and records it. Both run on a context
// detached from ctx: a shutdown must not cut a send off halfway, nor
// leave an attempt that happened unrecorded.
func (w *Worker) deliver(ctx context.Context, m core.OutboxMessage) {
	detached := context.WithoutCancel(ctx)
	sendCtx, cancelSend := context.WithTimeout(detached, w.opts.SendTimeout)
	sendErr := w.sender.Send(sendCtx, m)
	cancelSend()

	markCtx, cancelMark := context.WithTimeout(detached, markTimeout)
	defer cancelMark()
	now := w.opts.Now()
	if sendErr == nil {
		if err := w.store.MarkMailSent(markCtx, m.ID, now); err != nil {
			w.log.Error("mail outbox: recording a delivery failed; the message will be sent again", "id", m.ID, "err", err)
			return
		}
		w.log.Debug("mail sent", "id", m.ID)
		return
	}
	attempts := m.Attempts + 1
	delay := w.backoff(m.Attempts)
	errText := errorText(sendErr, maxErrorText)
	w.log.Warn("mail delivery failed; will retry", "id", m.ID, "attempt", attempts,
		"retry_in", delay.Round(time.Millisecond), "err", errText)
	if err := w.store.MarkMailFailed(markCtx, m.ID, attempts, now.Add(delay), errText); err != nil {
		w.log.Error("mail outbox: recording a failed attempt failed", "id", m.ID, "err", err)
	}
}

// backoff returns the wait after a failure that follows prior failed
// attempts: RetryBase doubled per prior failure, capped at RetryMax, then
// drawn from its upper half. The jitter spreads out messages that failed
// together (an outage) so they do not all return at the same instant.
func (w *Worker) backoff(prior int) time.Duration {
	d := w.opts.RetryBase
	for i := 0; i < prior && d < w.opts.RetryMax; i++ {
		d *= 2
	}
	d = min(d, w.opts.RetryMax)
	half := d / 2
	return d - half + rand.N(half+1)
}

// errorText makes an error storable: valid UTF-8 without NUL bytes
// (PostgreSQL's text rejects both) and at most n bytes, cut on a rune
// boundary.
func errorText(err error, n int) string {
	s := strings.ReplaceAll(strings.ToValidUTF8(err.Error(), "\uFFFD"), "\x00", "")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}
