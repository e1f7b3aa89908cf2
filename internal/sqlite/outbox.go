package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const outboxCols = `id, recipient, subject, text_body, html_body, created, attempts,
	next_attempt, lease_until, claim, sending_since, sent_at, last_error`

// scanMail reads one outboxCols row.
func scanMail(scan func(...any) error) (core.OutboxMessage, error) {
	var m core.OutboxMessage
	err := scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, timeCol{&m.Created},
		&m.Attempts, timeCol{&m.NextAttempt}, timeCol{&m.LeaseUntil}, &m.Claim, timeCol{&m.Sending},
		timeCol{&m.SentAt}, &m.LastError)
	return m, err
}

// EnqueueMail adds a message to the outbox; a taken id wraps
// core.ErrConflict.
func (q queries) EnqueueMail(ctx context.Context, m core.OutboxMessage) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO outbox (`+outboxCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		m.ID, m.To, m.Subject, m.Text, m.HTML, msOrNull(m.Created), m.Attempts,
		msOrNull(m.NextAttempt), msOrNull(m.LeaseUntil), m.Claim, msOrNull(m.Sending), msOrNull(m.SentAt), m.LastError)
	return wrap("enqueue mail", err)
}

// ClaimMail leases up to limit unsent messages that are due and not leased
// by someone else, oldest (created, id) first, under claim. Choosing and
// leasing are one UPDATE on the single writer connection, so two claimers
// can never both get a message while its lease runs.
func (q queries) ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if err := checkClaim(claim, lease); err != nil {
		return nil, fmt.Errorf("sqlite: claim mail: %w", err)
	}
	if limit <= 0 {
		return []core.OutboxMessage{}, nil
	}
	n := now.UnixMilli()
	rows, err := q.write.QueryContext(ctx, `UPDATE outbox SET lease_until = ?, claim = ?
		WHERE id IN (
			SELECT id FROM outbox
			WHERE sent_at IS NULL
				AND (next_attempt IS NULL OR next_attempt <= ?)
				AND (lease_until IS NULL OR lease_until <= ?)
			ORDER BY created, id
			LIMIT ?)
		RETURNING `+outboxCols, now.Add(lease).UnixMilli(), claim, n, n, limit)
	if err != nil {
		return nil, wrap("claim mail", err)
	}
	defer rows.Close()
	msgs := []core.OutboxMessage{}
	for rows.Next() {
		m, err := scanMail(rows.Scan)
		if err != nil {
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

// checkClaim refuses an empty claim token (it would match every
// unclaimed message) and a lease that is not positive.
func checkClaim(claim string, lease time.Duration) error {
	if claim == "" {
		return errors.New("empty claim token")
	}
	if lease <= 0 {
		return errors.New("lease must be positive")
	}
	return nil
}

// heldBy is the condition of every write that acts for a claim: the
// message is still unsent and still this claim's.
const heldBy = `id = ? AND claim = ? AND claim <> '' AND sent_at IS NULL`

// RenewMail extends the lease of a message held under claim. A message no
// longer held under claim wraps core.ErrClaimLost, a missing one
// core.ErrNotFound.
func (q queries) RenewMail(ctx context.Context, id, claim string, now time.Time, lease time.Duration) error {
	if err := checkClaim(claim, lease); err != nil {
		return fmt.Errorf("sqlite: renew mail: %w", err)
	}
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET lease_until = ? WHERE `+heldBy,
		now.Add(lease).UnixMilli(), id, claim)
	return q.claimWrite(ctx, "renew mail", id, res, err)
}

// StartMailAttempt counts an attempt, marks the message as being sent
// and renews its lease, for a message held under claim; it returns the
// new attempt count. Errors as RenewMail's.
func (q queries) StartMailAttempt(ctx context.Context, id, claim string, now time.Time, lease time.Duration) (int, error) {
	if err := checkClaim(claim, lease); err != nil {
		return 0, fmt.Errorf("sqlite: start mail attempt: %w", err)
	}
	var attempts int
	err := q.write.QueryRowContext(ctx, `UPDATE outbox
		SET attempts = attempts + 1, sending_since = ?, lease_until = ?
		WHERE `+heldBy+` RETURNING attempts`,
		now.UnixMilli(), now.Add(lease).UnixMilli(), id, claim).Scan(&attempts)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, q.lostOrMissing(ctx, "start mail attempt", id)
	}
	return attempts, wrap("start mail attempt", err)
}

// MarkMailSent records a delivery (the first one, if recorded twice),
// clears the lease, claim and sending mark and erases the bodies (they
// carry one-time tokens). A missing message wraps core.ErrNotFound.
func (q queries) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return errors.New("sqlite: mark mail sent: zero send time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET sent_at = COALESCE(sent_at, ?), lease_until = NULL,
		claim = '', sending_since = NULL, text_body = '', html_body = '' WHERE id = ?`, at.UnixMilli(), id)
	return mustAffect("mark mail sent", res, err)
}

// MarkMailFailed records a failed attempt of a message held under claim
// and clears its lease, claim and sending mark, so it is claimable again
// from next on. Errors as RenewMail's.
func (q queries) MarkMailFailed(ctx context.Context, id, claim string, next time.Time, lastErr string) error {
	if claim == "" {
		return errors.New("sqlite: mark mail failed: empty claim token")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET next_attempt = ?, last_error = ?,
		lease_until = NULL, claim = '', sending_since = NULL WHERE `+heldBy,
		msOrNull(next), lastErr, id, claim)
	return q.claimWrite(ctx, "mark mail failed", id, res, err)
}

// ReleaseMail clears the lease and claim of a message held under claim.
// Errors as RenewMail's.
func (q queries) ReleaseMail(ctx context.Context, id, claim string) error {
	if claim == "" {
		return errors.New("sqlite: release mail: empty claim token")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE outbox SET lease_until = NULL, claim = '' WHERE `+heldBy, id, claim)
	return q.claimWrite(ctx, "release mail", id, res, err)
}

// claimWrite turns a claim-conditional write that matched no row into
// core.ErrClaimLost or, for a message that does not exist,
// core.ErrNotFound.
func (q queries) claimWrite(ctx context.Context, op, id string, res sql.Result, err error) error {
	n, err := affected(op, res, err)
	if err != nil || n > 0 {
		return err
	}
	return q.lostOrMissing(ctx, op, id)
}

// lostOrMissing tells a message that is no longer the claim's from one
// that does not exist. It reads through the writer, which has just
// written, so it sees the state the write saw.
func (q queries) lostOrMissing(ctx context.Context, op, id string) error {
	var one int
	err := q.write.QueryRowContext(ctx, `SELECT 1 FROM outbox WHERE id = ?`, id).Scan(&one)
	if err != nil {
		return wrap(op, err) // sql.ErrNoRows becomes core.ErrNotFound
	}
	return fmt.Errorf("sqlite: %s %s: %w", op, id, core.ErrClaimLost)
}

// MailByID returns one message; a missing one wraps core.ErrNotFound.
func (q queries) MailByID(ctx context.Context, id string) (core.OutboxMessage, error) {
	m, err := scanMail(q.read.QueryRowContext(ctx, `SELECT `+outboxCols+` FROM outbox WHERE id = ?`, id).Scan)
	return m, wrap("mail by id", err)
}

// NextMailDue returns the earliest time an unsent message becomes
// claimable (the later of its next attempt and lease end), or the zero
// time when none is pending.
func (q queries) NextMailDue(ctx context.Context) (time.Time, error) {
	var due time.Time
	err := q.read.QueryRowContext(ctx, `SELECT MIN(MAX(COALESCE(next_attempt, 0), COALESCE(lease_until, 0)))
		FROM outbox WHERE sent_at IS NULL`).Scan(timeCol{&due})
	return due, wrap("next mail due", err)
}

// PendingMail counts messages not yet sent.
func (q queries) PendingMail(ctx context.Context) (int, error) {
	var n int
	err := q.read.QueryRowContext(ctx, `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`).Scan(&n)
	return n, wrap("pending mail", err)
}
