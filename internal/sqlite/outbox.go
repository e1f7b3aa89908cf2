package sqlite

import (
	"cmp"
	"context"
	"errors"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const outboxCols = `id, recipient, subject, text_body, html_body, created, attempts,
	next_attempt, lease_until, sent_at, last_error`

// EnqueueMail adds a message to the outbox; a taken id wraps
// core.ErrConflict.
func (q queries) EnqueueMail(ctx context.Context, m core.OutboxMessage) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO outbox (`+outboxCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.To, m.Subject, m.Text, m.HTML, msOrNull(m.Created), m.Attempts,
		msOrNull(m.NextAttempt), msOrNull(m.LeaseUntil), msOrNull(m.SentAt), m.LastError)
	return wrap("enqueue mail", err)
}

// ClaimMail leases up to limit unsent messages that are due and not leased
// by someone else, oldest (created, id) first. Choosing and leasing are one
// UPDATE on the single writer connection, so two claimers can never both
// get a message while its lease runs.
func (q queries) ClaimMail(ctx context.Context, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if lease <= 0 {
		return nil, errors.New("sqlite: claim mail: lease must be positive")
	}
	if limit <= 0 {
		return []core.OutboxMessage{}, nil
	}
	n := now.UnixMilli()
	rows, err := q.write.QueryContext(ctx, `UPDATE outbox SET lease_until = ?
		WHERE id IN (
			SELECT id FROM outbox
			WHERE sent_at IS NULL
				AND (next_attempt IS NULL OR next_attempt <= ?)
				AND (lease_until IS NULL OR lease_until <= ?)
			ORDER BY created, id
			LIMIT ?)
		RETURNING `+outboxCols, now.Add(lease).UnixMilli(), n, n, limit)
	if err != nil {
		return nil, wrap("claim mail", err)
	}
	defer rows.Close()
	msgs := []core.OutboxMessage{}
	for rows.Next() {
		var m core.OutboxMessage
		if err := rows.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, timeCol{&m.Created},
			&m.Attempts, timeCol{&m.NextAttempt}, timeCol{&m.LeaseUntil}, timeCol{&m.SentAt},
			&m.LastError); err != nil {
			return nil, wrap("claim mail", err)
		}
		msgs = append(msgs, m)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("claim mail", err)
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
		return errors.New("sqlite: mark mail sent: zero send time")
	}
	res, err := q.write.ExecContext(ctx,
		`UPDATE outbox SET sent_at = ?, lease_until = NULL, text_body = '', html_body = '' WHERE id = ?`, at.UnixMilli(), id)
	return mustAffect("mark mail sent", res, err)
}

// MarkMailFailed records a failed attempt and clears the lease, so the
// message is claimable again from next on. A missing message wraps
// core.ErrNotFound.
func (q queries) MarkMailFailed(ctx context.Context, id string, attempts int, next time.Time, lastErr string) error {
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET attempts = ?, next_attempt = ?,
		last_error = ?, lease_until = NULL WHERE id = ?`,
		attempts, msOrNull(next), lastErr, id)
	return mustAffect("mark mail failed", res, err)
}

// ReleaseMail clears a claimed message's lease. A missing message wraps
// core.ErrNotFound.
func (q queries) ReleaseMail(ctx context.Context, id string) error {
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET lease_until = NULL WHERE id = ?`, id)
	return mustAffect("release mail", res, err)
}

// MailByID returns one message; a missing one wraps core.ErrNotFound.
func (q queries) MailByID(ctx context.Context, id string) (core.OutboxMessage, error) {
	var m core.OutboxMessage
	err := q.read.QueryRowContext(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = ?`, id).Scan(
		&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, timeCol{&m.Created},
		&m.Attempts, timeCol{&m.NextAttempt}, timeCol{&m.LeaseUntil}, timeCol{&m.SentAt}, &m.LastError)
	return m, wrap("mail by id", err)
}

// PendingMail counts messages not yet sent.
func (q queries) PendingMail(ctx context.Context) (int, error) {
	var n int
	err := q.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&n)
	return n, wrap("pending mail", err)
}
