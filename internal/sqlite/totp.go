package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TOTPFactor returns the user's factor, pending or confirmed; a user
// without one wraps core.ErrNotFound.
func (q queries) TOTPFactor(ctx context.Context, userID string) (core.TOTPFactor, error) {
	f := core.TOTPFactor{UserID: userID}
	var confirmed int64
	err := q.read.QueryRowContext(ctx, `SELECT secret, confirmed, last_step, created, updated
		FROM totp_factors WHERE user_id = ?`, userID).Scan(
		&f.Secret, &confirmed, &f.LastStep, timeCol{&f.Created}, timeCol{&f.Updated})
	if err != nil {
		return core.TOTPFactor{}, wrap("totp factor", err)
	}
	f.Confirmed = confirmed == 1
	return f, nil
}

// PutTOTPFactor inserts or replaces the user's factor, every field of it
// (Created and LastStep included: a new enrolment starts over). The
// user's recovery codes are left alone. A user that does not exist wraps
// core.ErrNotFound.
func (q queries) PutTOTPFactor(ctx context.Context, f core.TOTPFactor) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO totp_factors
		(user_id, secret, confirmed, last_step, created, updated) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (user_id) DO UPDATE SET secret = excluded.secret,
		confirmed = excluded.confirmed, last_step = excluded.last_step,
		created = excluded.created, updated = excluded.updated`,
		f.UserID, f.Secret, b2i(f.Confirmed), f.LastStep, msOrNull(f.Created), msOrNull(f.Updated))
	return wrap("put totp factor", err)
}

// AdvanceTOTPStep raises the factor's last accepted step to step and sets
// Updated to `at`. The comparison and the write are one statement, so of
// concurrent calls with one step exactly one succeeds. A step not above
// the stored one (a replayed code), or a user without a factor, wraps
// core.ErrConflict and changes nothing.
func (q queries) AdvanceTOTPStep(ctx context.Context, userID string, step int64, at time.Time) error {
	if at.IsZero() {
		return errors.New("sqlite: advance totp step: zero update time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE totp_factors SET last_step = ?, updated = ?
		WHERE user_id = ? AND last_step < ?`, step, at.UnixMilli(), userID, step)
	n, err := affected("advance totp step", res, err)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("sqlite: advance totp step: %w", core.ErrConflict)
	}
	return nil
}

// DeleteTOTPFactor removes the user's factor and recovery codes together:
// codes that stand in for a factor must not outlive it. A user without
// either is not an error.
func (q queries) DeleteTOTPFactor(ctx context.Context, userID string) error {
	return q.atomically(ctx, func(w execer) error {
		if _, err := w.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return wrap("delete recovery codes", err)
		}
		_, err := w.ExecContext(ctx, `DELETE FROM totp_factors WHERE user_id = ?`, userID)
		return wrap("delete totp factor", err)
	})
}
