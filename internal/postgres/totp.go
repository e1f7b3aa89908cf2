package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

// TOTPFactor returns the user's factor, pending or confirmed; a user
// without one wraps core.ErrNotFound.
func (q queries) TOTPFactor(ctx context.Context, userID string) (core.TOTPFactor, error) {
	return get(ctx, q, "totp factor", `SELECT secret, confirmed, last_step, created, updated
		FROM totp_factors WHERE user_id = $1`, []any{userID}, func(r pgx.Row) (core.TOTPFactor, error) {
		f := core.TOTPFactor{UserID: userID}
		err := r.Scan(&f.Secret, &f.Confirmed, &f.LastStep, msCol{&f.Created}, msCol{&f.Updated})
		return f, err
	})
}

// PutTOTPFactor inserts or replaces the user's factor, every field of it
// (Created and LastStep included: a new enrolment starts over). The
// user's recovery codes are left alone. A user that does not exist wraps
// core.ErrNotFound.
func (q queries) PutTOTPFactor(ctx context.Context, f core.TOTPFactor) error {
	_, err := q.exec(ctx, "put totp factor", `INSERT INTO totp_factors
		(user_id, secret, confirmed, last_step, created, updated) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
		confirmed = excluded.confirmed, last_step = excluded.last_step,
		created = excluded.created, updated = excluded.updated`,
		f.UserID, f.Secret, f.Confirmed, f.LastStep, msOrNull(f.Created), msOrNull(f.Updated))
	return err
}

// AdvanceTOTPStep raises the factor's last accepted step to step and sets
// Updated to `at`. The comparison and the write are one statement, so of
// concurrent calls with one step exactly one succeeds. A step not above
// the stored one (a replayed code), or a user without a factor, wraps
// core.ErrConflict and changes nothing.
func (q queries) AdvanceTOTPStep(ctx context.Context, userID string, step int64, at time.Time) error {
	if at.IsZero() {
		return errors.New("postgres: advance totp step: zero update time")
	}
	n, err := q.exec(ctx, "advance totp step", `UPDATE totp_factors SET last_step = $1, updated = $2
		WHERE user_id = $3 AND last_step < $1`, step, at.UnixMilli(), userID)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("postgres: advance totp step: %w", core.ErrConflict)
	}
	return nil
}

// DeleteTOTPFactor removes the user's factor and recovery codes together:
// codes that stand in for a factor must not outlive it. A user without
// either is not an error.
func (q queries) DeleteTOTPFactor(ctx context.Context, userID string) error {
	return q.inTx(ctx, "delete totp factor", together(), func(ctx context.Context, c querier) error {
		if _, err := c.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		_, err := c.Exec(ctx, `DELETE FROM totp_factors WHERE user_id = $1`, userID)
		return err
	})
}
