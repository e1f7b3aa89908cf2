package postgres

import (
	"context"
	"errors"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const tokenCols = `id, user_id, collection_id, purpose, hash, email, new_email, created, expires, used_at`

func scanToken(r pgx.Row) (core.OneTimeToken, error) {
	var t core.OneTimeToken
	err := r.Scan(&t.ID, &t.UserID, &t.CollectionID, &t.Purpose, &t.Hash, &t.Email,
		&t.NewEmail, msCol{&t.Created}, msCol{&t.Expires}, msCol{&t.UsedAt})
	return t, err
}

// InsertOneTimeToken stores a token's hash and metadata. A taken id wraps
// core.ErrConflict; a user that does not exist wraps core.ErrNotFound.
func (q queries) InsertOneTimeToken(ctx context.Context, t core.OneTimeToken) error {
	_, err := q.exec(ctx, "insert one-time token", `INSERT INTO one_time_tokens (`+tokenCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		t.ID, t.UserID, t.CollectionID, string(t.Purpose), t.Hash, t.Email, t.NewEmail,
		msOrNull(t.Created), msOrNull(t.Expires), msOrNull(t.UsedAt))
	return err
}

// OneTimeTokenByID returns a token, used or not.
func (q queries) OneTimeTokenByID(ctx context.Context, id string) (core.OneTimeToken, error) {
	return get(ctx, q, "one-time token by id", `SELECT `+tokenCols+` FROM one_time_tokens WHERE id = $1`,
		[]any{id}, scanToken)
}

// LatestOneTimeToken returns the user's newest token for purpose p, used
// or not. PostgreSQL keeps no insertion order, so of tokens created in the
// same millisecond the one with the greatest id wins (SQLite picks the
// last inserted): either way every node reads the same one.
func (q queries) LatestOneTimeToken(ctx context.Context, userID string, p core.Purpose) (core.OneTimeToken, error) {
	return get(ctx, q, "latest one-time token", `SELECT `+tokenCols+` FROM one_time_tokens
		WHERE user_id = $1 AND purpose = $2 ORDER BY created DESC, id DESC LIMIT 1`,
		[]any{userID, string(p)}, scanToken)
}

// UseOneTimeToken marks an unused token used. The check and the mark are
// one statement, so of two concurrent uses exactly one succeeds; a missing
// or already used token wraps core.ErrNotFound.
func (q queries) UseOneTimeToken(ctx context.Context, id string, at time.Time) error {
	if at.IsZero() {
		return errors.New("postgres: use one-time token: zero use time")
	}
	return q.execOne(ctx, "use one-time token",
		`UPDATE one_time_tokens SET used_at = $1 WHERE id = $2 AND used_at IS NULL`, at.UnixMilli(), id)
}

// BurnUserTokens marks every unused token of the user used, whatever its
// purpose; tokens used earlier keep their use time.
func (q queries) BurnUserTokens(ctx context.Context, userID string, at time.Time) error {
	if at.IsZero() {
		return errors.New("postgres: burn one-time tokens: zero use time")
	}
	_, err := q.exec(ctx, "burn one-time tokens",
		`UPDATE one_time_tokens SET used_at = $1 WHERE user_id = $2 AND used_at IS NULL`, at.UnixMilli(), userID)
	return err
}

// PruneOneTimeTokens deletes tokens that expired before `before`, used or
// not, and returns how many.
func (q queries) PruneOneTimeTokens(ctx context.Context, before time.Time) (int, error) {
	return q.exec(ctx, "prune one-time tokens", `DELETE FROM one_time_tokens WHERE expires < $1`, before.UnixMilli())
}
