package postgres

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const outboxCols = `id, recipient, subject, text_body, html_body, created, attempts,
	next_attempt, lease_until, sent_at, last_error`

func scanMail(r pgx.Row) (core.OutboxMessage, error) {
	var m core.OutboxMessage
	err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, msCol{&m.Created},
		&m.Attempts, msCol{&m.NextAttempt}, msCol{&m.LeaseUntil}, msCol{&m.SentAt}, &m.LastError)
	return m, err
}

// EnqueueMail adds a message to the outbox; a taken id wraps
// core.ErrConflict. The subject, bodies and error are stored as storable
// text (see note); the recipient exactly.
func (q queries) EnqueueMail(ctx context.Context, m core.OutboxMessage) error {
	_, err := q.exec(ctx, "enqueue mail", `INSERT INTO outbox (`+outboxCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		m.ID, m.To, note(m.Subject), note(m.Text), note(m.HTML), msOrNull(m.Created), m.Attempts,
		msOrNull(m.NextAttempt), msOrNull(m.LeaseUntil), msOrNull(m.SentAt), note(m.LastError))
	return err
}

// ClaimMail leases up to limit unsent messages that are due and not leased
// by someone else, oldest (created, id) first. Choosing and leasing are one
// statement whose choice locks the rows it picks and skips rows another
// claimer has locked (FOR UPDATE SKIP LOCKED), so claimers on several
// nodes neither wait for each other nor ever get the same message while
// its lease runs: a row another claimer leased meanwhile fails the due
// check when it is re-read under its lock.
func (q queries) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if lease <= 0 {
		return nil, errors.New("postgres: claim mail: lease must be positive")
	}
	if limit <= 0 {
		return []core.OutboxMessage{}, nil
	}
	msgs, err := list(ctx, q, "claim mail", `WITH due AS (
			SELECT id FROM outbox
			WHERE sent_at IS NULL
				AND (next_attempt IS NULL OR next_attempt <= $2)
				AND (lease_until IS NULL OR lease_until <= $2)
			ORDER BY created, id
			LIMIT $3
			FOR UPDATE SKIP LOCKED)
		UPDATE outbox SET lease_until = $1 FROM due WHERE outbox.id = due.id
		RETURNING `+qualify("outbox", outboxCols),
		[]any{now.Add(lease).UnixMilli(), now.UnixMilli(), limit}, scanMail)
	if err != nil {
		return nil, err
	}
	// RETURNING yields rows in no promised order.
	slices.SortFunc(msgs, func(a, b core.OutboxMessage) int {
		return cmp.Or(a.Created.Compare(b.Created), cmp.Compare(a.ID, b.ID))
	})
	return msgs, nil
}

// MarkMailSent records a delivery, clears the lease and erases the bodies
// (they carry one-time tokens). A missing message wraps core.ErrNotFound.
func (q queries) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return errors.New("postgres: mark mail sent: zero send time")
	}
	return q.execOne(ctx, "mark mail sent", `UPDATE outbox
		SET sent_at = $1, lease_until = NULL, text_body = '', html_body = '' WHERE id = $2`, at.UnixMilli(), id)
}

// MarkMailFailed records a failed attempt and clears the lease, so the
// message is claimable again from next on. A missing message wraps
// core.ErrNotFound.
func (q queries) MarkMailFailed(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error {
	return q.execOne(ctx, "mark mail failed", `UPDATE outbox SET attempts = $1, next_attempt = $2,
		last_error = $3, lease_until = NULL WHERE id = $4`,
		attempts, msOrNull(next), note(lastErr), id)
}

// ReleaseMail clears a claimed message's lease. A missing message wraps
// core.ErrNotFound.
func (q queries) ReleaseMail(ctx context.Context, id string) error {
	return q.execOne(ctx, "release mail", `UPDATE outbox SET lease_until = NULL WHERE id = $1`, id)
}

// MailByID returns one message; a missing one wraps core.ErrNotFound.
func (q queries) MailByID(ctx context.Context, id string) (core.OutboxMessage, error) {
	return get(ctx, q, "mail by id", `SELECT `+outboxCols+` FROM outbox WHERE id = $1`, []any{id}, scanMail)
}

// PendingMail counts messages not yet sent.
func (q queries) PendingMail(ctx context.Context) (int, error) {
	return get(ctx, q, "pending mail", `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`, nil, scanInt)
}
