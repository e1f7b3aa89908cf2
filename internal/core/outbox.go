package core

import "time"

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

	// Attempts counts delivery attempts so far; NextAttempt is the
	// earliest time the next one may start.
	Attempts    int
	NextAttempt time.Time
	// LeaseUntil is set while a worker owns the message; a lease that ran
	// out (the worker died) makes the message claimable again.
	LeaseUntil time.Time
	SentAt     time.Time
	LastError  string
}
