package sqlite

import (
	"context"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const otpCols = `id, user_id, collection_id, code_hash, sent_to, created, expires`

func scanOTP(s scanner) (core.OTP, error) {
	var o core.OTP
	err := s.Scan(&o.ID, &o.UserID, &o.CollectionID, &o.CodeHash, &o.SentTo,
		timeCol{&o.Created}, timeCol{&o.Expires})
	return o, err
}

// InsertOTP stores a code's hash and metadata. A taken id wraps
// core.ErrConflict; a user that does not exist wraps core.ErrNotFound.
func (q queries) InsertOTP(ctx context.Context, o core.OTP) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO otps (`+otpCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?)`,
		o.ID, o.UserID, o.CollectionID, o.CodeHash, o.SentTo, msOrNull(o.Created), msOrNull(o.Expires))
	return wrap("insert otp", err)
}

// OTPByID returns a code, expired or not.
func (q queries) OTPByID(ctx context.Context, id string) (core.OTP, error) {
	o, err := scanOTP(q.read.QueryRowContext(ctx, `SELECT `+otpCols+` FROM otps WHERE id = ?`, id))
	return o, wrap("otp by id", err)
}

// DeleteOTP removes a code. Finding and deleting it are one statement, so
// of two concurrent uses exactly one succeeds; the other, like a missing
// code, wraps core.ErrNotFound.
func (q queries) DeleteOTP(ctx context.Context, id string) error {
	res, err := q.write.ExecContext(ctx, `DELETE FROM otps WHERE id = ?`, id)
	return mustAffect("delete otp", res, err)
}

// ActiveOTPs returns the user's codes that expire after now, newest first
// (created, then id, both descending); none is an empty list.
func (q queries) ActiveOTPs(ctx context.Context, userID string, now time.Time) ([]core.OTP, error) {
	rows, err := q.read.QueryContext(ctx, `SELECT `+otpCols+` FROM otps
		WHERE user_id = ? AND expires > ? ORDER BY created DESC, id DESC`, userID, now.UnixMilli())
	if err != nil {
		return nil, wrap("active otps", err)
	}
	defer rows.Close()
	out := []core.OTP{}
	for rows.Next() {
		o, err := scanOTP(rows)
		if err != nil {
			return nil, wrap("active otps", err)
		}
		out = append(out, o)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("active otps", err)
	}
	return out, nil
}

// DeleteUserOTPs removes every code of the user; a user without codes is
// not an error.
func (q queries) DeleteUserOTPs(ctx context.Context, userID string) error {
	_, err := q.write.ExecContext(ctx, `DELETE FROM otps WHERE user_id = ?`, userID)
	return wrap("delete user otps", err)
}

const mfaCols = `id, user_id, collection_id, method, created`

// InsertMFA stores a challenge. A taken id wraps core.ErrConflict; a user
// that does not exist wraps core.ErrNotFound.
func (q queries) InsertMFA(ctx context.Context, m core.MFAChallenge) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO mfa_challenges (`+mfaCols+`) VALUES (?, ?, ?, ?, ?)`,
		m.ID, m.UserID, m.CollectionID, m.Method, msOrNull(m.Created))
	return wrap("insert mfa challenge", err)
}

// MFAByID returns a challenge, however old.
func (q queries) MFAByID(ctx context.Context, id string) (core.MFAChallenge, error) {
	var m core.MFAChallenge
	err := q.read.QueryRowContext(ctx, `SELECT `+mfaCols+` FROM mfa_challenges WHERE id = ?`, id).Scan(
		&m.ID, &m.UserID, &m.CollectionID, &m.Method, timeCol{&m.Created})
	return m, wrap("mfa challenge by id", err)
}

// DeleteMFA removes a challenge in one statement, so of two concurrent
// completions exactly one succeeds; the other, like a missing challenge,
// wraps core.ErrNotFound.
func (q queries) DeleteMFA(ctx context.Context, id string) error {
	res, err := q.write.ExecContext(ctx, `DELETE FROM mfa_challenges WHERE id = ?`, id)
	return mustAffect("delete mfa challenge", res, err)
}

// PruneFactors deletes codes that expired before `before` and challenges
// created before it (both strictly), and returns how many rows went in
// all. Both deletes commit together.
func (q queries) PruneFactors(ctx context.Context, before time.Time) (int, error) {
	b := before.UnixMilli()
	total := 0
	err := q.atomically(ctx, func(w execer) error {
		for _, stmt := range []string{
			`DELETE FROM otps WHERE expires < ?`,
			`DELETE FROM mfa_challenges WHERE created < ?`,
		} {
			res, err := w.ExecContext(ctx, stmt, b)
			n, err := affected("prune factors", res, err)
			if err != nil {
				return err
			}
			total += n
		}
		return nil
	})
	if err != nil {
		return 0, err
	}
	return total, nil
}
