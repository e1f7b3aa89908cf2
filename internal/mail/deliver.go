package mail

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/core"
)

// deliver makes one attempt and records it. Everything runs on a context
// detached from ctx: a shutdown must not cut a send off halfway, nor
// leave an attempt that happened unrecorded. Only losing the claim cuts
// a send off.
func (w *Worker) deliver(ctx context.Context, m core.OutboxMessage) {
	detached := context.WithoutCancel(ctx)
	if !m.Sending.IsZero() {
		w.stats.interrupted.Add(1)
		w.log.Warn("mail outbox: the previous attempt was interrupted before its outcome was recorded; "+
			"it may have been delivered, so this attempt may deliver a duplicate (with the same Message-ID)",
			"id", m.ID, "attempts", m.Attempts, "interrupted_attempt_started", m.Sending)
	}
	attempt, confirmed, ok := w.startAttempt(detached, m)
	if !ok {
		return
	}
	keeper := w.keepClaim(detached, m, confirmed)
	sendCtx, cancelSend := context.WithTimeout(keeper.ctx, w.opts.SendTimeout)
	sendErr := w.sender.Send(sendCtx, m)
	cancelSend()
	cutOff := keeper.stop()

	if sendErr == nil {
		// Delivered, even if the claim was being lost meanwhile: record
		// it, which also stops any worker that claimed it since.
		w.markSent(detached, m, attempt)
		return
	}
	if cutOff != nil {
		w.stats.abandoned.Add(1)
		sendErr = fmt.Errorf("%w (attempt cut off: %v)", sendErr, cutOff)
		if errors.Is(cutOff, errClaimLost) {
			w.log.Warn("mail outbox: attempt cut off: another worker holds the message now and sends it",
				"id", m.ID, "attempt", attempt, "err", sendErr)
			return
		}
		// The store did not answer in time; record the failure if it is
		// back and nobody took the message, else the lease runs out.
	}
	w.markFailed(detached, m, attempt, sendErr)
}

// startAttempt records the attempt's start (the sending mark), which also
// renews the claim, before anything reaches the SMTP server. It returns
// the attempt number and when the renewing write was issued; ok is false
// when the attempt must not start.
func (w *Worker) startAttempt(ctx context.Context, m core.OutboxMessage) (attempt int, confirmed time.Time, ok bool) {
	confirmed = time.Now()
	// An answer later than the keeper's cut-off would leave too little
	// lease to send under.
	sctx, cancel := context.WithTimeout(ctx, w.opts.Lease-w.opts.Lease/3)
	attempt, err := w.store.StartMailAttempt(sctx, m.ID, m.Claim, w.opts.Now(), w.opts.Lease)
	cancel()
	switch {
	case err == nil:
		return attempt, confirmed, true
	case errors.Is(err, core.ErrClaimLost):
		// It waited in this worker's batch past its lease and another
		// worker claimed it (or sent it): that one sends it.
		w.stats.abandoned.Add(1)
		w.log.Info("mail outbox: claim lost before sending; another worker holds the message", "id", m.ID)
	case errors.Is(err, core.ErrNotFound):
		w.log.Warn("mail outbox: claimed message vanished", "id", m.ID)
	default:
		w.log.Warn("mail outbox: recording the start of an attempt failed; not sending", "id", m.ID, "err", err)
		w.release(ctx, []core.OutboxMessage{m})
	}
	return 0, time.Time{}, false
}

// markSent records a delivery, retrying for up to markTimeout: until it
// is recorded, the message would be sent again once its lease runs out.
func (w *Worker) markSent(ctx context.Context, m core.OutboxMessage, attempt int) {
	deadline := time.Now().Add(markTimeout)
	delay := 100 * time.Millisecond
	for {
		mctx, cancel := context.WithDeadline(ctx, deadline)
		err := w.store.MarkMailSent(mctx, m.ID, w.opts.Now())
		cancel()
		if err == nil {
			w.stats.sent.Add(1)
			w.log.Debug("mail sent", "id", m.ID, "attempt", attempt)
			return
		}
		if errors.Is(err, core.ErrNotFound) || time.Until(deadline) < delay {
			w.log.Error("mail outbox: the mail was delivered but recording it failed; once its lease runs out "+
				"it will be sent again, a duplicate with the same Message-ID", "id", m.ID, "err", err)
			return
		}
		time.Sleep(delay) // a backoff between retries, not a wait for an event
		delay = min(2*delay, 2*time.Second)
	}
}

// markFailed records a failed attempt and schedules the retry.
func (w *Worker) markFailed(ctx context.Context, m core.OutboxMessage, attempt int, sendErr error) {
	w.stats.failed.Add(1)
	delay := w.backoff(attempt - 1)
	errText := errorText(sendErr, maxErrorText)
	w.log.Warn("mail delivery failed; will retry", "id", m.ID, "attempt", attempt,
		"retry_in", delay.Round(time.Millisecond), "err", errText)
	mctx, cancel := context.WithTimeout(ctx, markTimeout)
	defer cancel()
	err := w.store.MarkMailFailed(mctx, m.ID, m.Claim, w.opts.Now().Add(delay), errText)
	switch {
	case err == nil:
	case errors.Is(err, core.ErrClaimLost):
		w.log.Info("mail outbox: claim lost before the failure was recorded; the worker holding the message retries it", "id", m.ID)
	default:
		w.log.Error("mail outbox: recording a failed attempt failed; the message is retried when its lease runs out", "id", m.ID, "err", err)
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
