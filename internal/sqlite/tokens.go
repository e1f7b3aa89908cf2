package sqlite

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const tokenCols = `id, user_id, collection_id, purpose, hash, email, new_email, created, expires, used_at`

func scanToken(s scanner) (core.OneTimeToken, error) {
	var t core.OneTimeToken
	err := s.Scan(&t.ID, &t.UserID, &t.CollectionID, &t.Purpose, &t.Hash, &t.Email,
		&t.NewEmail, timeCol{&t.Created}, timeCol{&t.Expires}, timeCol{&t.UsedAt})
	return t, err
}

// InsertOneTimeToken stores a token's hash and metadata. A taken id wraps
// core.ErrConflict; a user that does not exist wraps core.ErrNotFound.
func (q queries) InsertOneTimeToken(ctx context.Context, t core.OneTimeToken) error {
	_, err := q.write.ExecContext(ctx, `INSERT INTO one_time_tokens (`+tokenCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.UserID, t.CollectionID, string(t.Purpose), t.Hash, t.Email, t.NewEmail,
		msOrNull(t.Created), msOrNull(t.Expires), msOrNull(t.UsedAt))
	return wrap("insert one-time token", err)
}

// OneTimeTokenByID returns a token, used or not.
func (q queries) OneTimeTokenByID(ctx context.Context, id string) (core.OneTimeToken, error) {
	t, err := scanToken(q.read.QueryRowContext(ctx,
		`SELECT `+tokenCols+` FROM one_time_tokens WHERE id = ?`, id))
	return t, wrap("one-time token by id", err)
}

// LatestOneTimeToken returns the user's newest token for purpose p, used
// or not; of tokens created in the same millisecond, the last inserted.
func (q queries) LatestOneTimeToken(ctx context.Context, userID string, p core.Purpose) (core.OneTimeToken, error) {
	t, err := scanToken(q.read.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM one_time_tokens
		WHERE user_id = ? AND purpose = ? ORDER BY created DESC, rowid DESC LIMIT 1`,
		userID, string(p)))
	return t, wrap("latest one-time token", err)
}

// UseOneTimeToken marks an unused token used. The check and the mark are
// one statement, so of two concurrent uses exactly one succeeds; a missing
// or already used token wraps core.ErrNotFound.
func (q queries) UseOneTimeToken(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return errors.New("sqlite: use one-time token: zero use time")
	}
	res, err := q.write.ExecContext(ctx,
		`UPDATE one_time_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL`, at.UnixMilli(), id)
	return mustAffect("use one-time token", res, err)
}

// BurnUserTokens marks every unused token of the user used, whatever its
// purpose; tokens used earlier keep their use time.
func (q queries) BurnUserTokens(ctx context.Context, userID string, at time.Time) error {
	if at.IsZero() {
		return errors.New("sqlite: burn one-time tokens: zero use time")
	}
	_, err := q.write.ExecContext(ctx,
		`UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND used_at IS NULL`, at.UnixMilli(), userID)
	return wrap("burn one-time tokens", err)
}

// PruneOneTimeTokens deletes tokens that expired before `before`, used or
// not, and returns how many.
func (q queries) PruneOneTimeTokens(ctx context.Context, before time.Time) (int, error) {
	res, err := q.write.ExecContext(ctx,
		`DELETE FROM one_time_tokens WHERE expires < ?`, before.UnixMilli())
	return affected("prune one-time tokens", res, err)
}
