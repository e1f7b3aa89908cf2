package core

import (
	"errors"
	"time"
)

// OutboxMessage is a mail waiting in (or sent from) the durable outbox.
// Flows enqueue messages in the same transaction as the state they
// describe, so a crash never loses a mail nor sends one for a change that
// did not commit.
type OutboxMessage struct {
	ID      string
	To      string
	Subject string
	Text    string
	HTML    string
	Created time.Time

	// Attempts counts delivery attempts started so far (StartMailAttempt
	// adds one), whether they failed or were interrupted; NextAttempt is
	// the earliest time the next one may start.
	Attempts    int
	NextAttempt time.Time
	// LeaseUntil is set while a worker owns the message; a lease that ran
	// out (the worker died) makes the message claimable again.
	LeaseUntil time.Time
	// Claim is the token of the claim that owns the message ("" when none
	// does). Renewing, starting an attempt, recording a failure and
	// releasing all require it, so a worker whose lease ran out and was
	// claimed by another cannot act on the message any more.
	Claim string
	// Sending is when the attempt in progress started: StartMailAttempt
	// sets it and recording the outcome (sent or failed) clears it. A
	// claimed message that still has it set had an attempt whose outcome
	// nobody recorded (its worker died or lost its claim mid-send): that
	// attempt may have reached the SMTP server, so the next one may
	// deliver a duplicate (with the same Message-ID).
	Sending   time.Time
	SentAt    time.Time
	LastError string
}

// ErrClaimLost is wrapped by the outbox writes that need the claim
// (RenewMail, StartMailAttempt, MarkMailFailed, ReleaseMail) when the
// message exists but no longer belongs to that claim: its lease ran out
// and another worker claimed it, or it was sent, failed or released
// meanwhile. The worker holding the stale claim must stop: another one
// owns the message now.
var ErrClaimLost = errors.New("outbox claim lost")
