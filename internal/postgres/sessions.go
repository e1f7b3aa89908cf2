package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const sessionCols = `id, user_id, collection_id, created, last_used, expires, ip,
	user_agent, amr, aal, impersonator_id, revoked_at, revoked_reason, client`

// InsertSession stores a new session. A taken id wraps core.ErrConflict; a
// user that does not exist wraps core.ErrNotFound. AAL is stored exactly as
// given (core sets 1 or 2; a zero reads back as zero). The IP, user agent
// and reason are recorded as storable text (see note).
func (q queries) InsertSession(ctx context.Context, s core.Session) error {
	amr, err := encodeAMR(s.AMR)
	if err != nil {
		return err
	}
	_, err = q.exec(ctx, "insert session", `INSERT INTO sessions (`+sessionCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)`,
		s.ID, s.UserID, s.CollectionID, msOrNull(s.Created), msOrNull(s.LastUsed),
		msOrNull(s.Expires), note(s.IP), note(s.UserAgent), amr, s.AAL, s.ImpersonatorID,
		msOrNull(s.RevokedAt), note(s.RevokedReason), note(s.Client))
	return err
}

func scanSession(r pgx.Row) (core.Session, error) {
	var s core.Session
	var amr string
	err := r.Scan(&s.ID, &s.UserID, &s.CollectionID, msCol{&s.Created}, msCol{&s.LastUsed},
		msCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
		msCol{&s.RevokedAt}, &s.RevokedReason, &s.Client)
	if err != nil {
		return core.Session{}, err
	}
	if s.AMR, err = decodeAMR(amr); err != nil {
		return core.Session{}, err
	}
	return s, nil
}

// SessionByID returns a session, revoked and expired ones included.
func (q queries) SessionByID(ctx context.Context, id string) (core.Session, error) {
	return get(ctx, q, "session by id", `SELECT `+sessionCols+` FROM sessions WHERE id = $1`,
		[]any{id}, scanSession)
}

// ListUserSessions returns the user's active sessions at now, most
// recently used first. A session never used counts as used when it was
// created (COALESCE, so where NULLs sort never decides the order); ties
// go to the newer session, then to id.
func (q queries) ListUserSessions(ctx context.Context, userID string, now time.Time) ([]core.Session, error) {
	return list(ctx, q, "list user sessions", `SELECT `+sessionCols+` FROM sessions
		WHERE user_id = $1 AND revoked_at IS NULL AND expires > $2
		ORDER BY COALESCE(last_used, created) DESC, created DESC, id ASC`,
		[]any{userID, now.UnixMilli()}, scanSession)
}

// ListUserSessionSpans returns the ids and lifetimes of the sessions
// ListUserSessions returns, in the same order, reading only those
// columns.
func (q queries) ListUserSessionSpans(ctx context.Context, userID string, now time.Time) ([]core.SessionSpan, error) {
	return list(ctx, q, "list user session spans", `SELECT id, created, expires FROM sessions
		WHERE user_id = $1 AND revoked_at IS NULL AND expires > $2
		ORDER BY COALESCE(last_used, created) DESC, created DESC, id ASC`,
		[]any{userID, now.UnixMilli()}, scanSessionSpan)
}

func scanSessionSpan(r pgx.Row) (core.SessionSpan, error) {
	var s core.SessionSpan
	err := r.Scan(&s.ID, msCol{&s.Created}, msCol{&s.Expires})
	return s, err
}

// TouchSession records a use of the session and moves its expiry. A
// missing session wraps core.ErrNotFound.
func (q queries) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	return q.execOne(ctx, "touch session", `UPDATE sessions SET last_used = $1, expires = $2 WHERE id = $3`,
		msOrNull(lastUsed), msOrNull(expires), id)
}

// RevokeSession revokes one session if it is active at `at`. The check
// and the revocation are one statement; a missing, already revoked or
// expired session wraps core.ErrNotFound and keeps its state.
func (q queries) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	if at.IsZero() {
		// NULL revoked_at reads as "not revoked".
		return errors.New("postgres: revoke session: zero revocation time")
	}
	return q.execOne(ctx, "revoke session", `UPDATE sessions SET revoked_at = $1, revoked_reason = $2
		WHERE id = $3 AND revoked_at IS NULL AND expires > $1`,
		at.UnixMilli(), note(reason), id)
}

// RevokeUserSessions revokes the user's active sessions (neither revoked
// nor expired at `at`) except exceptID ("" spares none: no session has an
// empty id). Sessions revoked earlier keep their original time and
// reason. It returns how many it revoked.
func (q queries) RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error) {
	if at.IsZero() {
		// NULL revoked_at reads as "not revoked": refuse rather than
		// report sessions revoked that still work.
		return 0, errors.New("postgres: revoke sessions: zero revocation time")
	}
	return q.exec(ctx, "revoke sessions", `UPDATE sessions SET revoked_at = $1, revoked_reason = $2
		WHERE user_id = $3 AND id <> $4 AND revoked_at IS NULL AND expires > $1`,
		at.UnixMilli(), note(reason), userID, exceptID)
}

// PruneSessions deletes sessions that expired, or were revoked, before
// `before`; their refresh tokens go with them (ON DELETE CASCADE). It
// returns how many sessions it deleted.
func (q queries) PruneSessions(ctx context.Context, before time.Time) (int, error) {
	return q.exec(ctx, "prune sessions",
		`DELETE FROM sessions WHERE expires < $1 OR revoked_at < $1`, before.UnixMilli())
}

// encodeAMR stores the method list as a JSON array; nil becomes [].
func encodeAMR(amr []string) (string, error) {
	if len(amr) == 0 {
		return "[]", nil
	}
	b, err := json.Marshal(amr)
	if err != nil {
		return "", fmt.Errorf("postgres: encode amr: %w", err)
	}
	return string(b), nil
}

// decodeAMR reads what encodeAMR wrote; [] reads back as nil.
func decodeAMR(s string) ([]string, error) {
	var amr []string
	if err := json.Unmarshal([]byte(s), &amr); err != nil {
		return nil, fmt.Errorf("postgres: decode amr: %w", err)
	}
	if len(amr) == 0 {
		return nil, nil
	}
	return amr, nil
}
