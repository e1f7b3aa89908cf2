package sqlite

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

const refreshCols = `id, session_id, hash, parent_id, created, expires, rotated_at,
	successor_id, successor_sealed`

// InsertRefreshToken stores a token. A taken id or hash wraps
// core.ErrConflict; a session that does not exist wraps core.ErrNotFound.
func (q queries) InsertRefreshToken(ctx context.Context, t core.RefreshToken) error {
	if len(t.Hash) == 0 {
		// An empty hash would match every lookup of an empty token.
		return errors.New("sqlite: insert refresh token: empty hash")
	}
	_, err := q.write.ExecContext(ctx, `INSERT INTO refresh_tokens (`+refreshCols+`)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.ID, t.SessionID, t.Hash, t.ParentID, msOrNull(t.Created), msOrNull(t.Expires),
		msOrNull(t.RotatedAt), t.SuccessorID, blobOrNull(t.SuccessorSealed))
	return wrap("insert refresh token", err)
}

// RefreshTokenByHash returns the token with this SHA-256, rotated or not.
// The lookup is by hash, so it reveals nothing about the token's value.
func (q queries) RefreshTokenByHash(ctx context.Context, hash []byte) (core.RefreshToken, error) {
	if len(hash) == 0 {
		return core.RefreshToken{}, notFound("refresh token by hash")
	}
	var t core.RefreshToken
	err := q.read.QueryRowContext(ctx, `SELECT `+refreshCols+` FROM refresh_tokens WHERE hash = ?`, hash).Scan(
		&t.ID, &t.SessionID, &t.Hash, &t.ParentID, timeCol{&t.Created}, timeCol{&t.Expires},
		timeCol{&t.RotatedAt}, &t.SuccessorID, &t.SuccessorSealed)
	return t, wrap("refresh token by hash", err)
}

// RotateRefreshToken marks a token rotated at `at` and records its
// successor. The check and the mark are one statement, so of two
// concurrent rotations exactly one wins; the loser, like a rotation of a
// missing token, wraps core.ErrConflict.
func (q queries) RotateRefreshToken(ctx context.Context, id string, at time.Time, successorID string, successorSealed []byte) error {
	if at.IsZero() {
		// NULL rotated_at reads as "not rotated".
		return errors.New("sqlite: rotate refresh token: zero rotation time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE refresh_tokens
		SET rotated_at = ?, successor_id = ?, successor_sealed = ?
		WHERE id = ? AND rotated_at IS NULL`,
		at.UnixMilli(), successorID, blobOrNull(successorSealed), id)
	n, err := affected("rotate refresh token", res, err)
	if err != nil {
		return err
	}
	if n == 0 {
		return fmt.Errorf("sqlite: rotate refresh token: %w", core.ErrConflict)
	}
	return nil
}

// blobOrNull stores an empty byte slice as NULL, which scans back as nil:
// empty and nil are one value.
func blobOrNull(b []byte) any {
	if len(b) == 0 {
		return nil
	}
	return b
}
