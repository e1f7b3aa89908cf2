package sqlite

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// InsertSession stores a new session. A taken id wraps core.ErrConflict; a
// user that does not exist wraps core.ErrNotFound.
func (q queries) InsertSession(ctx context.Context, s core.Session) error {
	amr, err := encodeAMR(s.AMR)
	if err != nil {
		return err
	}
	_, err = q.write.ExecContext(ctx, `INSERT INTO sessions (id, user_id, collection_id,
		created, last_used, expires, ip, user_agent, amr, impersonator_id, revoked_at, revoked_reason)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.CollectionID, msOrNull(s.Created), msOrNull(s.LastUsed),
		msOrNull(s.Expires), s.IP, s.UserAgent, amr, s.ImpersonatorID,
		msOrNull(s.RevokedAt), s.RevokedReason)
	return wrap("insert session", err)
}

// SessionByID returns a session, revoked and expired ones included.
func (q queries) SessionByID(ctx context.Context, id string) (core.Session, error) {
	var s core.Session
	var amr string
	err := q.read.QueryRowContext(ctx, `SELECT id, user_id, collection_id, created, last_used,
		expires, ip, user_agent, amr, impersonator_id, revoked_at, revoked_reason
		FROM sessions WHERE id = ?`, id).Scan(
		&s.ID, &s.UserID, &s.CollectionID, timeCol{&s.Created}, timeCol{&s.LastUsed},
		timeCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.ImpersonatorID,
		timeCol{&s.RevokedAt}, &s.RevokedReason)
	if err != nil {
		return core.Session{}, wrap("session by id", err)
	}
	if s.AMR, err = decodeAMR(amr); err != nil {
		return core.Session{}, err
	}
	return s, nil
}

// TouchSession records a use of the session and moves its expiry. A
// missing session wraps core.ErrNotFound.
func (q queries) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	res, err := q.write.ExecContext(ctx,
		`UPDATE sessions SET last_used = ?, expires = ? WHERE id = ?`,
		msOrNull(lastUsed), msOrNull(expires), id)
	return mustAffect("touch session", res, err)
}

// RevokeUserSessions revokes the user's active sessions: those neither
// revoked nor expired at `at`. Sessions revoked earlier keep their
// original time and reason. It returns how many it revoked.
func (q queries) RevokeUserSessions(ctx context.Context, userID, reason string, at time.Time) (int, error) {
	if at.IsZero() {
		// NULL revoked_at reads as "not revoked": refuse rather than
		// report sessions revoked that still work.
		return 0, errors.New("sqlite: revoke sessions: zero revocation time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
		WHERE user_id = ? AND revoked_at IS NULL AND expires > ?`,
		msOrNull(at), reason, userID, at.UnixMilli())
	if err != nil {
		return 0, wrap("revoke sessions", err)
	}
	n, err := res.RowsAffected()
	return int(n), wrap("revoke sessions", err)
}

// encodeAMR stores the method list as a JSON array; nil becomes [].
func encodeAMR(amr []string) (string, error) {
	if len(amr) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(amr)
	if err != nil {
		return "", fmt.Errorf("sqlite: encode amr: %w", err)
	}
	return string(b), nil
}

// decodeAMR reads what encodeAMR wrote; [] reads back as nil.
func decodeAMR(s string) ([]string, error) {
	var amr []string
	if err := json.Unmarshal([]byte(s), &amr); err != nil {
		return nil, fmt.Errorf("sqlite: decode amr: %w", err)
	}
	if len(amr) == 0 {
		return nil, nil
	}
	return amr, nil
}
