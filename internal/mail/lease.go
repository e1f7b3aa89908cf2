package mail

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Why an attempt was cut off: the context a Sender gets is cancelled with
// one of these as its cause.
var (
	// errClaimLost: the store says another worker holds the message now
	// (this worker's lease ran out and it was claimed), or it was sent.
	errClaimLost = errors.New("mail: claim on the message lost to another worker")
	// errLeaseRunningOut: no renewal got through and only a third of the
	// lease is left, so another worker may claim the message soon.
	errLeaseRunningOut = errors.New("mail: claim on the message could not be renewed in time")
)

// claimKeeper renews one message's claim while it is being sent. Its
// context is cancelled, with errClaimLost or errLeaseRunningOut as the
// cause, when the send must stop so that no other worker can claim the
// message while this one still sends it.
//
// Timing uses the real (monotonic) clock: a lease written at store time
// now holds until now+Lease, and the keeper counts from when it issued
// that write, which is no later than the time the store recorded, so its
// idea of the lease's end is never later than the store's.
type claimKeeper struct {
	ctx    context.Context
	cancel context.CancelCauseFunc
	quit   context.CancelFunc // ends the renewals
	done   chan struct{}
}

// keepClaim starts renewing m's claim, last written at confirmed (real
// time the write was issued). parent must outlive the attempt.
func (w *Worker) keepClaim(parent context.Context, m core.OutboxMessage, confirmed time.Time) *claimKeeper {
	ctx, cancel := context.WithCancelCause(parent)
	quitCtx, quit := context.WithCancel(parent)
	k := &claimKeeper{ctx: ctx, cancel: cancel, quit: quit, done: make(chan struct{})}
	go func() {
		defer close(k.done)
		k.renew(quitCtx, w, m, confirmed)
	}()
	return k
}

// renew renews the claim every third of the lease until quit. A renewal
// that fails for a passing reason is retried more often; once only a
// third of the lease is left unrenewed, or the claim is lost, the send is
// cut off.
func (k *claimKeeper) renew(quit context.Context, w *Worker, m core.OutboxMessage, confirmed time.Time) {
	lease := w.opts.Lease
	every := lease / 3
	next := every // after confirmed
	for {
		// Stop sending with a third of the lease left: room for the
		// clocks of other nodes to run ahead and for the abort itself.
		cutoff := confirmed.Add(lease - every)
		timer := time.NewTimer(min(time.Until(confirmed.Add(next)), time.Until(cutoff)))
		select {
		case <-quit.Done():
			timer.Stop()
			return
		case <-timer.C:
		}
		if !time.Now().Before(cutoff) {
			k.cancel(errLeaseRunningOut)
			return
		}
		issued := time.Now()
		rctx, cancel := context.WithDeadline(quit, cutoff)
		err := w.store.RenewMail(rctx, m.ID, m.Claim, w.opts.Now(), lease)
		cancel()
		switch {
		case err == nil:
			confirmed, next = issued, every
		case quit.Err() != nil:
			return
		case errors.Is(err, core.ErrClaimLost), errors.Is(err, core.ErrNotFound):
			k.cancel(fmt.Errorf("%w: %v", errClaimLost, err))
			return
		default:
			w.log.Warn("mail outbox: renewing the claim on a message being sent failed; retrying",
				"id", m.ID, "err", err)
			next = time.Since(confirmed) + every/4
		}
	}
}

// stop ends the renewals and returns why the send was cut off, or nil if
// it was not. The claim stays as the last renewal left it, with at least
// a third of the lease to run unless the send was cut off.
func (k *claimKeeper) stop() error {
	k.quit()
	<-k.done
	var why error
	if k.ctx.Err() != nil {
		why = context.Cause(k.ctx)
	}
	k.cancel(nil)
	return why
}
