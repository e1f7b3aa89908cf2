package sqlite

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// sessionUserQuery reads a session and its user in one statement: token
// checks run it on every authenticated request, and one statement costs
// half of two.
const sessionUserQuery = `SELECT s.id, s.user_id, s.collection_id, s.created, s.last_used, s.expires, s.ip,
	s.user_agent, s.amr, s.aal, s.impersonator_id, s.revoked_at, s.revoked_reason,
	u.id, u.collection_id, u.email, u.email_visibility, u.verified, u.name, u.avatar,
	u.password_hash, u.created, u.updated, u.profile, u.status
	FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = ?`

// SessionWithUser returns a session with its user; see core.SessionStore.
func (q queries) SessionWithUser(ctx context.Context, id string) (core.Session, core.User, error) {
	var s core.Session
	var u core.User
	var amr string
	err := q.read.QueryRowContext(ctx, sessionUserQuery, id).Scan(
		&s.ID, &s.UserID, &s.CollectionID, timeCol{&s.Created}, timeCol{&s.LastUsed},
		timeCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
		timeCol{&s.RevokedAt}, &s.RevokedReason,
		&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
		&u.Name, &u.Avatar, &u.PasswordHash, timeCol{&u.Created}, timeCol{&u.Updated},
		profileCol{&u.Profile}, (*string)(&u.Status))
	if err == nil {
		s.AMR, err = decodeAMR(amr)
	}
	if err != nil {
		return core.Session{}, core.User{}, wrap("session with user", err)
	}
	return s, u, nil
}
