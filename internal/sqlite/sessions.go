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
// user that does not exist wraps core.ErrNotFound. AAL is stored exactly as
// given (core sets 1 or 2; a zero reads back as zero): only rows written
// before the column existed read as 1, the column's default.
func (q queries) InsertSession(ctx context.Context, s core.Session) error {
	amr, err := encodeAMR(s.AMR)
	if err != nil {
		return err
	}
	_, err = q.write.ExecContext(ctx, `INSERT INTO sessions (id, user_id, collection_id,
		created, last_used, expires, ip, user_agent, amr, aal, impersonator_id, revoked_at, revoked_reason, client)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		s.ID, s.UserID, s.CollectionID, msOrNull(s.Created), msOrNull(s.LastUsed),
		msOrNull(s.Expires), s.IP, s.UserAgent, amr, s.AAL, s.ImpersonatorID,
		msOrNull(s.RevokedAt), s.RevokedReason, s.Client)
	return wrap("insert session", err)
}

const sessionCols = `id, user_id, collection_id, created, last_used, expires, ip,
	user_agent, amr, aal, impersonator_id, revoked_at, revoked_reason, client`

func scanSession(sc scanner) (core.Session, error) {
	var s core.Session
	var amr string
	err := sc.Scan(&s.ID, &s.UserID, &s.CollectionID, timeCol{&s.Created}, timeCol{&s.LastUsed},
		timeCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
		timeCol{&s.RevokedAt}, &s.RevokedReason, &s.Client)
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
	s, err := scanSession(q.read.QueryRowContext(ctx,
		`SELECT `+sessionCols+` FROM sessions WHERE id = ?`, id))
	return s, wrap("session by id", err)
}

// ListUserSessions returns the user's active sessions at now, most
// recently used first. A session never used counts as used when it was
// created (COALESCE, so NULL placement, which differs between databases,
// never decides the order); ties go to the newer session, then to id.
func (q queries) ListUserSessions(ctx context.Context, userID string, now time.Time) ([]core.Session, error) {
	rows, err := q.read.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires > ?
		ORDER BY COALESCE(last_used, created) DESC, created DESC, id ASC`, userID, now.UnixMilli())
	if err != nil {
		return nil, wrap("list user sessions", err)
	}
	defer rows.Close()
	out := []core.Session{}
	for rows.Next() {
		s, err := scanSession(rows)
		if err != nil {
			return nil, wrap("list user sessions", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list user sessions", err)
	}
	return out, nil
}

// ListUserSessionSpans returns the ids and lifetimes of the sessions
// ListUserSessions returns, in the same order, reading only those
// columns.
func (q queries) ListUserSessionSpans(ctx context.Context, userID string, now time.Time) ([]core.SessionSpan, error) {
	rows, err := q.read.QueryContext(ctx, `SELECT id, created, expires FROM sessions
		WHERE user_id = ? AND revoked_at IS NULL AND expires > ?
		ORDER BY COALESCE(last_used, created) DESC, created DESC, id ASC`, userID, now.UnixMilli())
	if err != nil {
		return nil, wrap("list user session spans", err)
	}
	defer rows.Close()
	out := []core.SessionSpan{}
	for rows.Next() {
		var s core.SessionSpan
		if err := rows.Scan(&s.ID, timeCol{&s.Created}, timeCol{&s.Expires}); err != nil {
			return nil, wrap("list user session spans", err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap("list user session spans", err)
	}
	return out, nil
}

// TouchSession records a use of the session and moves its expiry. A
// missing session wraps core.ErrNotFound.
func (q queries) TouchSession(ctx context.Context, id string, lastUsed, expires time.Time) error {
	res, err := q.write.ExecContext(ctx,
		`UPDATE sessions SET last_used = ?, expires = ? WHERE id = ?`,
		msOrNull(lastUsed), msOrNull(expires), id)
	return mustAffect("touch session", res, err)
}

// RevokeSession revokes one session if it is active at `at`. The check
// and the revocation are one statement; a missing, already revoked or
// expired session wraps core.ErrNotFound and keeps its state.
func (q queries) RevokeSession(ctx context.Context, id, reason string, at time.Time) error {
	if at.IsZero() {
		// NULL revoked_at reads as "not revoked".
		return errors.New("sqlite: revoke session: zero revocation time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
		WHERE id = ? AND revoked_at IS NULL AND expires > ?`,
		at.UnixMilli(), reason, id, at.UnixMilli())
	return mustAffect("revoke session", res, err)
}

// RevokeUserSessions revokes the user's active sessions (neither revoked
// nor expired at `at`) except exceptID ("" spares none: no session has an
// empty id). Sessions revoked earlier keep their original time and
// reason. It returns how many it revoked.
func (q queries) RevokeUserSessions(ctx context.Context, userID, exceptID, reason string, at time.Time) (int, error) {
	if at.IsZero() {
		// NULL revoked_at reads as "not revoked": refuse rather than
		// report sessions revoked that still work.
		return 0, errors.New("sqlite: revoke sessions: zero revocation time")
	}
	res, err := q.write.ExecContext(ctx, `UPDATE sessions SET revoked_at = ?, revoked_reason = ?
		WHERE user_id = ? AND id != ? AND revoked_at IS NULL AND expires > ?`,
		at.UnixMilli(), reason, userID, exceptID, at.UnixMilli())
	return affected("revoke sessions", res, err)
}

// PruneSessions deletes sessions that expired, or were revoked, before
// `before`; their refresh tokens go with them (ON DELETE CASCADE). It
// returns how many sessions it deleted.
func (q queries) PruneSessions(ctx context.Context, before time.Time) (int, error) {
	b := before.UnixMilli()
	res, err := q.write.ExecContext(ctx,
		`DELETE FROM sessions WHERE expires < ? OR revoked_at < ?`, b, b)
	return affected("prune sessions", res, err)
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
