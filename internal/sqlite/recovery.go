package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// ReplaceRecoveryCodes deletes the user's recovery codes, used or not, and
// stores codes instead, all in one transaction (the surrounding one inside
// InTx): a failure keeps the old codes. Every code is stored under userID;
// a code naming another user, or without a hash, is refused before
// anything is written. A hash given twice, or a taken id, wraps
// core.ErrConflict; codes for a user that does not exist wrap
// core.ErrNotFound. No codes at all just deletes the old ones.
func (q queries) ReplaceRecoveryCodes(ctx context.Context, userID string, codes []core.RecoveryCode) error {
	for _, c := range codes {
		if c.UserID != "" && c.UserID != userID {
			return fmt.Errorf("sqlite: replace recovery codes: code %q belongs to another user", c.ID)
		}
		if len(c.Hash) == 0 {
			// An empty hash would match a use of an empty code.
			return errors.New("sqlite: replace recovery codes: empty hash")
		}
	}
	return q.atomically(ctx, func(w execer) error {
		if _, err := w.ExecContext(ctx, `DELETE FROM recovery_codes WHERE user_id = ?`, userID); err != nil {
			return wrap("replace recovery codes", err)
		}
		for _, c := range codes {
			_, err := w.ExecContext(ctx, `INSERT INTO recovery_codes (id, user_id, hash, created, used_at)
				VALUES (?, ?, ?, ?, ?)`, c.ID, userID, c.Hash, msOrNull(c.Created), msOrNull(c.UsedAt))
			if err != nil {
				return wrap("replace recovery codes", err)
			}
		}
		return nil
	})
}

// UseRecoveryCode marks the user's unused code with this hash used at
// `at`. Finding and marking it are one statement, so of concurrent uses
// exactly one succeeds; the others, like a used, missing or other user's
// code, wrap core.ErrNotFound. The lookup is by hash, so it reveals
// nothing about the code's value.
func (q queries) UseRecoveryCode(ctx context.Context, userID string, hash []byte, at time.Time) error {
	if at.IsZero() {
		// NULL used_at reads as "unused".
		return errors.New("sqlite: use recovery code: zero use time")
	}
	if len(hash) == 0 {
		return notFound("use recovery code")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE recovery_codes SET used_at = ?
		WHERE user_id = ? AND hash = ? AND used_at IS NULL`, at.UnixMilli(), userID, hash)
	return mustAffect("use recovery code", res, err)
}

// UnusedRecoveryCodes counts the user's codes not yet used; a user without
// codes has none.
func (q queries) UnusedRecoveryCodes(ctx context.Context, userID string) (int, error) {
	var n int
	err := q.read.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM recovery_codes WHERE user_id = ? AND used_at IS NULL`, userID).Scan(&n)
	return n, wrap("unused recovery codes", err)
}
