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

// rotateSQL is one rotation (core.RefreshTokenStore's RotateRefresh) as
// one statement. The first step is the check and the mark at once: it
// marks the token only if it is not rotated yet, has not expired, and
// its session is active, and the successor's insert and the session's
// touch happen only for the row it marked. Outside a transaction it runs
// at READ COMMITTED: a concurrent rotation of the same token waits for
// the first one's row lock and then finds rotated_at set, so it changes
// nothing, with no serialization failure to retry.
const rotateSQL = `WITH rot AS (
		UPDATE refresh_tokens SET rotated_at = $1, successor_id = $2, successor_sealed = $3
		WHERE id = $4 AND session_id = $5 AND rotated_at IS NULL AND expires > $1
		AND EXISTS (SELECT 1 FROM sessions WHERE id = $5 AND revoked_at IS NULL AND expires > $1)
		RETURNING id
	), ins AS (
		INSERT INTO refresh_tokens (id, session_id, hash, parent_id, created, expires)
		SELECT $2, $5, $6, id, $7, $8 FROM rot
	)
	UPDATE sessions SET last_used = $1, expires = GREATEST(expires, $9)
	WHERE id = $5 AND EXISTS (SELECT 1 FROM rot)`

// rotateKeepSessionSQL is rotateSQL for a rotation that leaves the
// session row as it is (core.RefreshRotation with no SessionExpires):
// the successor's insert is the statement, and counts the rotation.
const rotateKeepSessionSQL = `WITH rot AS (
		UPDATE refresh_tokens SET rotated_at = $1, successor_id = $2, successor_sealed = $3
		WHERE id = $4 AND session_id = $5 AND rotated_at IS NULL AND expires > $1
		AND EXISTS (SELECT 1 FROM sessions WHERE id = $5 AND revoked_at IS NULL AND expires > $1)
		RETURNING id
	)
	INSERT INTO refresh_tokens (id, session_id, hash, parent_id, created, expires)
	SELECT $2, $5, $6, id, $7, $8 FROM rot`

// RotateRefresh writes one rotation in one statement; see rotateSQL. A
// rotation whose conditions did not hold wraps core.ErrConflict.
func (q queries) RotateRefresh(ctx context.Context, r core.RefreshRotation) error {
	if err := r.Check(); err != nil {
		return err
	}
	at, c := r.At.UnixMilli(), r.Child
	args := []any{at, c.ID, blobOrNull(r.Sealed), r.TokenID, c.SessionID, c.Hash,
		c.Created.UnixMilli(), c.Expires.UnixMilli()}
	query := rotateKeepSessionSQL
	if !r.SessionExpires.IsZero() {
		query, args = rotateSQL, append(args, r.SessionExpires.UnixMilli())
	}
	n, err := q.exec(ctx, "rotate refresh", query, args...)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("postgres: rotate refresh: %w", core.ErrConflict)
	}
	return nil
}
