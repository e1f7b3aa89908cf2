package postgres

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
			return fmt.Errorf("postgres: replace recovery codes: code %q belongs to another user", c.ID)
		}
		if len(c.Hash) == 0 {
			// An empty hash would match a use of an empty code.
			return errors.New("postgres: replace recovery codes: empty hash")
		}
	}
	return q.inTx(ctx, "replace recovery codes", together(), func(ctx context.Context, c querier) error {
		if _, err := c.Exec(ctx, `DELETE FROM recovery_codes WHERE user_id = $1`, userID); err != nil {
			return err
		}
		for _, rc := range codes {
			_, err := c.Exec(ctx, `INSERT INTO recovery_codes (id, user_id, hash, created, used_at)
				VALUES ($1, $2, $3, $4, $5)`, rc.ID, userID, rc.Hash, msOrNull(rc.Created), msOrNull(rc.UsedAt))
			if err != nil {
				return err
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
		return errors.New("postgres: use recovery code: zero use time")
	}
	if len(hash) == 0 {
		return notFound("use recovery code")
	}
	return q.execOne(ctx, "use recovery code", `UPDATE recovery_codes SET used_at = $1
		WHERE user_id = $2 AND hash = $3 AND used_at IS NULL`, at.UnixMilli(), userID, hash)
}

// UnusedRecoveryCodes counts the user's codes not yet used; a user without
// codes has none.
func (q queries) UnusedRecoveryCodes(ctx context.Context, userID string) (int, error) {
	return get(ctx, q, "unused recovery codes",
		`SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL`, []any{userID}, scanInt)
}
