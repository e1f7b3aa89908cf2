// Package mail delivers queued mail over SMTP or into a development
// mailbox.
//
// Core flows never send mail themselves: they enqueue core.OutboxMessage
// rows in the same transaction as the change the mail describes. The
// Worker here drains that outbox through a Sender (SMTP for production,
// Mailbox for development), retrying with backoff until each message is
// delivered, so neither a crash nor an SMTP outage loses a message.
// Delivery is at least once, normally exactly once; Worker says when a
// duplicate can happen and how its stable Message-ID lets receivers drop
// it.
package mail
