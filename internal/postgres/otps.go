package postgres

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const otpCols = `id, user_id, collection_id, code_hash, sent_to, created, expires`

func scanOTP(r pgx.Row) (core.OTP, error) {
	var o core.OTP
	err := r.Scan(&o.ID, &o.UserID, &o.CollectionID, &o.CodeHash, &o.SentTo,
		msCol{&o.Created}, msCol{&o.Expires})
	return o, err
}

// InsertOTP stores a code's hash and metadata. A taken id wraps
// core.ErrConflict; a user that does not exist wraps core.ErrNotFound.
func (q queries) InsertOTP(ctx context.Context, o core.OTP) error {
	_, err := q.exec(ctx, "insert otp", `INSERT INTO otps (`+otpCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		o.ID, o.UserID, o.CollectionID, o.CodeHash, o.SentTo, msOrNull(o.Created), msOrNull(o.Expires))
	return err
}

// OTPByID returns a code, expired or not.
func (q queries) OTPByID(ctx context.Context, id string) (core.OTP, error) {
	return get(ctx, q, "otp by id", `SELECT `+otpCols+` FROM otps WHERE id = $1`, []any{id}, scanOTP)
}

// DeleteOTP removes a code. Finding and deleting it are one statement, so
// of two concurrent uses exactly one succeeds; the other, like a missing
// code, wraps core.ErrNotFound.
func (q queries) DeleteOTP(ctx context.Context, id string) error {
	return q.execOne(ctx, "delete otp", `DELETE FROM otps WHERE id = $1`, id)
}

// ActiveOTPs returns the user's codes that expire after now, newest first
// (created, then id, both descending); none is an empty list.
func (q queries) ActiveOTPs(ctx context.Context, userID string, now time.Time) ([]core.OTP, error) {
	return list(ctx, q, "active otps", `SELECT `+otpCols+` FROM otps
		WHERE user_id = $1 AND expires > $2 ORDER BY created DESC, id DESC`,
		[]any{userID, now.UnixMilli()}, scanOTP)
}

// DeleteUserOTPs removes every code of the user; a user without codes is
// not an error.
func (q queries) DeleteUserOTPs(ctx context.Context, userID string) error {
	_, err := q.exec(ctx, "delete user otps", `DELETE FROM otps WHERE user_id = $1`, userID)
	return err
}

const mfaCols = `id, user_id, collection_id, method, created`

// InsertMFA stores a challenge. A taken id wraps core.ErrConflict; a user
// that does not exist wraps core.ErrNotFound.
func (q queries) InsertMFA(ctx context.Context, m core.MFAChallenge) error {
	_, err := q.exec(ctx, "insert mfa challenge", `INSERT INTO mfa_challenges (`+mfaCols+`) VALUES ($1, $2, $3, $4, $5)`,
		m.ID, m.UserID, m.CollectionID, m.Method, msOrNull(m.Created))
	return err
}

// MFAByID returns a challenge, however old.
func (q queries) MFAByID(ctx context.Context, id string) (core.MFAChallenge, error) {
	return get(ctx, q, "mfa challenge by id", `SELECT `+mfaCols+` FROM mfa_challenges WHERE id = $1`,
		[]any{id}, func(r pgx.Row) (core.MFAChallenge, error) {
			var m core.MFAChallenge
			err := r.Scan(&m.ID, &m.UserID, &m.CollectionID, &m.Method, msCol{&m.Created})
			return m, err
		})
}

// DeleteMFA removes a challenge in one statement, so of two concurrent
// completions exactly one succeeds; the other, like a missing challenge,
// wraps core.ErrNotFound.
func (q queries) DeleteMFA(ctx context.Context, id string) error {
	return q.execOne(ctx, "delete mfa challenge", `DELETE FROM mfa_challenges WHERE id = $1`, id)
}

// PruneFactors deletes codes that expired before `before` and challenges
// created before it (both strictly), and returns how many rows went in
// all. Both deletes commit together.
func (q queries) PruneFactors(ctx context.Context, before time.Time) (int, error) {
	total := 0
	err := q.inTx(ctx, "prune factors", together(), func(ctx context.Context, c querier) error {
		total = 0
		for _, stmt := range []string{
			`DELETE FROM otps WHERE expires < $1`,
			`DELETE FROM mfa_challenges WHERE created < $1`,
		} {
			tag, err := c.Exec(ctx, stmt, before.UnixMilli())
			if err != nil {
				return err
			}
			total += int(tag.RowsAffected())
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}
