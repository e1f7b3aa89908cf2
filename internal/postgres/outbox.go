package postgres

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const outboxCols = `id, recipient, subject, text_body, html_body, created, attempts,
	next_attempt, lease_until, claim, sending_since, sent_at, last_error`

func scanMail(r pgx.Row) (core.OutboxMessage, error) {
	var m core.OutboxMessage
	err := r.Scan(&m.ID, &m.To, &m.Subject, &m.Text, &m.HTML, msCol{&m.Created},
		&m.Attempts, msCol{&m.NextAttempt}, msCol{&m.LeaseUntil}, &m.Claim, msCol{&m.Sending},
		msCol{&m.SentAt}, &m.LastError)
	return m, err
}

// EnqueueMail adds a message to the outbox; a taken id wraps
// core.ErrConflict. The subject, bodies and error are stored as storable
// text (see note); the recipient exactly.
func (q queries) EnqueueMail(ctx context.Context, m core.OutboxMessage) error {
	_, err := q.exec(ctx, "enqueue mail", `INSERT INTO outbox (`+outboxCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)`,
		m.ID, m.To, note(m.Subject), note(m.Text), note(m.HTML), msOrNull(m.Created), m.Attempts,
		msOrNull(m.NextAttempt), msOrNull(m.LeaseUntil), m.Claim, msOrNull(m.Sending), msOrNull(m.SentAt),
		note(m.LastError))
	return err
}

// ClaimMail leases up to limit unsent messages that are due and not leased
// by someone else, oldest (created, id) first, under claim. Choosing and
// leasing are one statement whose choice locks the rows it picks and skips
// rows another claimer has locked (FOR UPDATE SKIP LOCKED), so claimers on
// several nodes neither wait for each other nor ever get the same message
// while its lease runs: a row another claimer leased meanwhile fails the
// due check when it is re-read under its lock.
func (q queries) ClaimMail(ctx context.Context, claim string, now time.Time, lease time.Duration, limit int) ([]core.OutboxMessage, error) {
	if err := checkClaim(claim, lease); err != nil {
		return nil, fmt.Errorf("postgres: claim mail: %w", err)
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
		UPDATE outbox SET lease_until = $1, claim = $4 FROM due WHERE outbox.id = due.id
		RETURNING `+qualify("outbox", outboxCols),
		[]any{now.Add(lease).UnixMilli(), now.UnixMilli(), limit, claim}, scanMail)
	if err != nil {
		return nil, err
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
// message ($1) is still unsent and still the claim's ($2). The row lock
// the UPDATE takes makes it exclusive with a concurrent claim.
const heldBy = `id = $1 AND claim = $2 AND claim <> '' AND sent_at IS NULL`

// RenewMail extends the lease of a message held under claim. A message no
// longer held under claim wraps core.ErrClaimLost, a missing one
// core.ErrNotFound.
func (q queries) RenewMail(ctx context.Context, id, claim string, now time.Time, lease time.Duration) error {
	if err := checkClaim(claim, lease); err != nil {
		return fmt.Errorf("postgres: renew mail: %w", err)
	}
	n, err := q.exec(ctx, "renew mail", `UPDATE outbox SET lease_until = $3 WHERE `+heldBy,
		id, claim, now.Add(lease).UnixMilli())
	return q.claimWrite(ctx, "renew mail", id, n, err)
}

// StartMailAttempt counts an attempt, marks the message as being sent
// and renews its lease, for a message held under claim; it returns the
// new attempt count. Errors as RenewMail's.
func (q queries) StartMailAttempt(ctx context.Context, id, claim string, now time.Time, lease time.Duration) (int, error) {
	if err := checkClaim(claim, lease); err != nil {
		return 0, fmt.Errorf("postgres: start mail attempt: %w", err)
	}
	attempts, err := get(ctx, q, "start mail attempt", `UPDATE outbox
		SET attempts = attempts + 1, sending_since = $3, lease_until = $4
		WHERE `+heldBy+` RETURNING attempts`,
		[]any{id, claim, now.UnixMilli(), now.Add(lease).UnixMilli()}, scanInt)
	if errors.Is(err, core.ErrNotFound) {
		return 0, q.lostOrMissing(ctx, "start mail attempt", id)
	}
	return attempts, err
}

// MarkMailSent records a delivery (the first one, if recorded twice),
// clears the lease, claim and sending mark and erases the bodies (they
// carry one-time tokens). A missing message wraps core.ErrNotFound.
func (q queries) MarkMailSent(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return errors.New("postgres: mark mail sent: zero send time")
	}
	return q.execOne(ctx, "mark mail sent", `UPDATE outbox SET sent_at = COALESCE(sent_at, $1), lease_until = NULL,
		claim = '', sending_since = NULL, text_body = '', html_body = '' WHERE id = $2`, at.UnixMilli(), id)
}

// MarkMailFailed records a failed attempt of a message held under claim
// and clears its lease, claim and sending mark, so it is claimable again
// from next on. Errors as RenewMail's.
func (q queries) MarkMailFailed(ctx context.Context, id, claim string, next time.Time, lastErr string) error {
	if claim == "" {
		return errors.New("postgres: mark mail failed: empty claim token")
	}
	n, err := q.exec(ctx, "mark mail failed", `UPDATE outbox SET next_attempt = $3, last_error = $4,
		lease_until = NULL, claim = '', sending_since = NULL WHERE `+heldBy,
		id, claim, msOrNull(next), note(lastErr))
	return q.claimWrite(ctx, "mark mail failed", id, n, err)
}

// ReleaseMail clears the lease and claim of a message held under claim.
// Errors as RenewMail's.
func (q queries) ReleaseMail(ctx context.Context, id, claim string) error {
	if claim == "" {
		return errors.New("postgres: release mail: empty claim token")
	}
	n, err := q.exec(ctx, "release mail", `UPDATE outbox SET lease_until = NULL, claim = '' WHERE `+heldBy, id, claim)
	return q.claimWrite(ctx, "release mail", id, n, err)
}

// claimWrite turns a claim-conditional write that matched no row into
// core.ErrClaimLost or, for a message that does not exist,
// core.ErrNotFound.
func (q queries) claimWrite(ctx context.Context, op, id string, n int, err error) error {
	if err != nil {
		return lookupErr(op, err)
	}
	if n > 0 {
		return nil
	}
	return q.lostOrMissing(ctx, op, id)
}

// lostOrMissing tells a message that is no longer the claim's from one
// that does not exist (or whose id PostgreSQL cannot hold as text).
func (q queries) lostOrMissing(ctx context.Context, op, id string) error {
	if _, err := get(ctx, q, op, `SELECT 1 FROM outbox WHERE id = $1`, []any{id}, scanInt); err != nil {
		return err
	}
	return fmt.Errorf("postgres: %s %s: %w", op, id, core.ErrClaimLost)
}

// MailByID returns one message; a missing one wraps core.ErrNotFound.
func (q queries) MailByID(ctx context.Context, id string) (core.OutboxMessage, error) {
	return get(ctx, q, "mail by id", `SELECT `+outboxCols+` FROM outbox WHERE id = $1`, []any{id}, scanMail)
}

// NextMailDue returns the earliest time an unsent message becomes
// claimable (the later of its next attempt and lease end), or the zero
// time when none is pending.
func (q queries) NextMailDue(ctx context.Context) (time.Time, error) {
	return get(ctx, q, "next mail due", `SELECT MIN(GREATEST(COALESCE(next_attempt, 0), COALESCE(lease_until, 0)))
		FROM outbox WHERE sent_at IS NULL`, nil, func(r pgx.Row) (time.Time, error) {
		var due time.Time
		err := r.Scan(msCol{&due})
		return due, err
	})
}

// PendingMail counts messages not yet sent.
func (q queries) PendingMail(ctx context.Context) (int, error) {
	return get(ctx, q, "pending mail", `SELECT COUNT(*) FROM outbox WHERE sent_at IS NULL`, nil, scanInt)
}
