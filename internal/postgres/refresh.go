package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const refreshCols = `id, session_id, hash, parent_id, created, expires, rotated_at,
	successor_id, successor_sealed`

// InsertRefreshToken stores a token. A taken id or hash wraps
// core.ErrConflict; a session that does not exist wraps core.ErrNotFound.
func (q queries) InsertRefreshToken(ctx context.Context, t core.RefreshToken) error {
	if len(t.Hash) == 0 {
		// An empty hash would match every lookup of an empty token.
		return errors.New("postgres: insert refresh token: empty hash")
	}
	_, err := q.exec(ctx, "insert refresh token", `INSERT INTO refresh_tokens (`+refreshCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		t.ID, t.SessionID, t.Hash, t.ParentID, msOrNull(t.Created), msOrNull(t.Expires),
		msOrNull(t.RotatedAt), t.SuccessorID, blobOrNull(t.SuccessorSealed))
	return err
}

// RefreshTokenByHash returns the token with this SHA-256, rotated or not.
// The lookup is by hash, so it reveals nothing about the token's value.
func (q queries) RefreshTokenByHash(ctx context.Context, hash []byte) (core.RefreshToken, error) {
	if len(hash) == 0 {
		return core.RefreshToken{}, notFound("refresh token by hash")
	}
	return get(ctx, q, "refresh token by hash", `SELECT `+refreshCols+` FROM refresh_tokens WHERE hash = $1`,
		[]any{hash}, func(r pgx.Row) (core.RefreshToken, error) {
			var t core.RefreshToken
			err := r.Scan(&t.ID, &t.SessionID, &t.Hash, &t.ParentID, msCol{&t.Created}, msCol{&t.Expires},
				msCol{&t.RotatedAt}, &t.SuccessorID, &t.SuccessorSealed)
			return t, err
		})
}

// RotateRefreshToken marks a token rotated at `at` and records its
// successor. The check and the mark are one statement, so of two
// concurrent rotations exactly one wins; the loser, like a rotation of a
// missing token, wraps core.ErrConflict.
func (q queries) RotateRefreshToken(ctx context.Context, id string, at time.Time, successorID string, successorSealed []byte) error {
	if at.IsZero() {
		// NULL rotated_at reads as "not rotated".
		return errors.New("postgres: rotate refresh token: zero rotation time")
	}
	n, err := q.exec(ctx, "rotate refresh token", `UPDATE refresh_tokens
		SET rotated_at = $1, successor_id = $2, successor_sealed = $3
		WHERE id = $4 AND rotated_at IS NULL`,
		at.UnixMilli(), successorID, blobOrNull(successorSealed), id)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("postgres: rotate refresh token: %w", core.ErrConflict)
	}
	return nil
}
