package mail

import (
	"context"
	"errors"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Sender delivers one message. Implementations must keep credentials out
// of the errors they return: the worker stores the error text
// and logs it. A sender must stop, at any stage of the exchange, once ctx
// is done: the worker cancels it when its claim on the message is lost or
// cannot be renewed, so that two workers never send a message at once.
type Sender interface {
	Send(ctx context.Context, m core.OutboxMessage) error
}

// WorkerOptions tune a Worker. Zero values take the defaults.
type WorkerOptions struct {
	// Poll is the longest the worker sleeps when nothing is due (default
	// 5s). Notify cuts the sleep short, and the worker wakes by itself
	// when a retry or a lease it knows of comes due.
	Poll time.Duration
	// Lease is how long a claim on a message lasts without renewal
	// (default 20s). While a message is being sent the worker renews it
	// every third of Lease; if no renewal got through and only a third is
	// left (the store is unreachable), or the store says another worker
	// now has the message, the attempt is cut off. A worker that dies
	// stops renewing, so its mail is claimable again at most Lease later.
	// The configuration keeps it at 3s or more; shorter leases are for
	// tests.
	Lease time.Duration
	// SendTimeout bounds one delivery attempt (default 30s). It may be
	// longer than Lease: the lease is renewed while the attempt runs.
	SendTimeout time.Duration
	// RetryBase is the wait after a first failure (default 2s); it
	// doubles with each further failure up to RetryMax (default 10m).
	RetryBase time.Duration
	RetryMax  time.Duration
	// Batch is how many messages one claim takes (default 10).
	Batch int
	// Now is the clock written to the store; nil means time.Now. Renewal
	// timing uses the real clock whatever Now says.
	Now    func() time.Time
	Logger *slog.Logger
}

const (
	// markTimeout bounds the store writes that record an attempt's
	// outcome, retries included.
	markTimeout = 10 * time.Second
	// maxErrorText caps the error text stored with a failed attempt.
	maxErrorText = 1000
	// minSleep keeps the worker from spinning when a store reports a due
	// time that a claim then does not honour (clocks that disagree).
	minSleep = 20 * time.Millisecond
)

// Worker drains the outbox: it claims due messages, hands each to a
// Sender while it keeps its claim renewed, and records the outcome. A
// message is never dropped: a failed one is retried with exponential
// backoff, forever, at most RetryMax apart.
//
// Delivery is at least once. A message is sent again only if its worker
// died, or lost its claim, after handing it to the SMTP server and before
// recording it as sent (the SMTP server may have accepted it in that
// window). Every attempt carries the same Message-ID, so a receiving
// server or client can drop such a duplicate, and the attempt's start is
// recorded first (the sending mark), so the next worker logs and counts
// a retry that may be a duplicate. While a worker lives and reaches the
// store, no other worker can claim its message; once it dies, the message
// waits at most Lease.
type Worker struct {
	store  core.OutboxStore
	sender Sender
	opts   WorkerOptions
	log    *slog.Logger
	wake   chan struct{}
	stats  counters
}

// counters back Stats.
type counters struct {
	sent, failed, interrupted, abandoned atomic.Uint64
}

// Stats counts what a worker did since it was made, for metrics.
type Stats struct {
	// Sent counts deliveries recorded.
	Sent uint64
	// Failed counts failed attempts (each is retried).
	Failed uint64
	// Interrupted counts messages claimed whose previous attempt had
	// started but never recorded an outcome (a worker died or lost its
	// claim mid-send): that attempt may have been delivered, so the retry
	// may be a duplicate, with the same Message-ID.
	Interrupted uint64
	// Abandoned counts attempts not started, or cut off, because this
	// worker's claim was lost or could not be renewed in time; the
	// message is retried (by whichever worker holds it).
	Abandoned uint64
}

// Stats returns the worker's counters. It is safe to call at any time.
func (w *Worker) Stats() Stats {
	return Stats{Sent: w.stats.sent.Load(), Failed: w.stats.failed.Load(),
		Interrupted: w.stats.interrupted.Load(), Abandoned: w.stats.abandoned.Load()}
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
		opts.Lease = 20 * time.Second
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
// finish (within SendTimeout, its claim still renewed) and its outcome is
// recorded. Messages it had claimed but not yet tried are released back
// to the outbox, so the next worker (or the next start) sends them at
// once; if even that fails they are claimable when their lease runs out.
// Nothing queued is lost.
func (w *Worker) Run(ctx context.Context) error {
	for ctx.Err() == nil {
		if w.drain(ctx) {
			continue // a full batch: more may be due
		}
		timer := time.NewTimer(w.sleep(ctx))
		select {
		case <-ctx.Done():
		case <-w.wake:
		case <-timer.C:
		}
		timer.Stop()
	}
	return nil
}

// sleep returns how long to wait for the next claim: until the earliest
// retry or lease end the store knows of, at most Poll. Waking at a lease's
// end is what makes a crashed worker's mail go out as soon as its lease
// runs out.
func (w *Worker) sleep(ctx context.Context) time.Duration {
	dctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	due, err := w.store.NextMailDue(dctx)
	if err != nil {
		// The claim that just ran has logged a store that is down.
		w.log.Debug("mail outbox: reading the next due time failed", "err", err)
		return w.opts.Poll
	}
	if due.IsZero() {
		return w.opts.Poll
	}
	return min(w.opts.Poll, max(minSleep, due.Sub(w.opts.Now())))
}

// drain claims one batch and tries each message in it. It reports
// whether the batch was full, that is, whether more may be waiting.
func (w *Worker) drain(ctx context.Context) bool {
	// The claim runs detached from ctx: a claim cancelled mid-flight may
	// still commit on a database server, leaving messages leased to a
	// worker that never learns of them, so they wait out the whole lease.
	// Once it returns, messages claimed during a shutdown are released.
	claimCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	msgs, err := w.store.ClaimMail(claimCtx, core.NewID(), w.opts.Now(), w.opts.Lease, w.opts.Batch)
	cancel()
	if err != nil {
		switch _, known := core.ConditionOf(err); {
		case ctx.Err() != nil:
		case known:
			// A store condition (down, full, busy) is logged once when it
			// starts and once when it ends, not once per poll.
			w.log.Debug("mail outbox: claim failed", "err", err)
		default:
			w.log.Warn("mail outbox: claim failed", "err", err)
		}
		return false
	}
	for i, m := range msgs {
		if ctx.Err() != nil {
			w.release(ctx, msgs[i:]) // shutting down
			return false
		}
		// A message that waited in the batch past its lease may have
		// been claimed by another worker meanwhile: deliver starts the
		// attempt only if the claim is still this worker's.
		w.deliver(ctx, m)
	}
	return len(msgs) == w.opts.Batch
}

// release hands claimed, unattempted messages back to the outbox. A
// failure only delays them until their lease runs out; a claim another
// worker took meanwhile is that worker's to send.
func (w *Worker) release(ctx context.Context, msgs []core.OutboxMessage) {
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), markTimeout)
	defer cancel()
	for _, m := range msgs {
		err := w.store.ReleaseMail(rctx, m.ID, m.Claim)
		if err != nil && !errors.Is(err, core.ErrClaimLost) {
			w.log.Warn("mail outbox: release failed; the message waits for its lease", "id", m.ID, "err", err)
		}
	}
}
