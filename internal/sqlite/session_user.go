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
	u.password_hash, u.created, u.updated, u.profile, u.status, s.client
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
		profileCol{&u.Profile}, (*string)(&u.Status), &s.Client)
	if err == nil {
		s.AMR, err = decodeAMR(amr)
	}
	if err != nil {
		return core.Session{}, core.User{}, wrap("session with user", err)
	}
	return s, u, nil
}

// refreshUseQuery reads what a refresh needs in one statement (see
// core.RefreshTokenStore.RefreshTokenUse).
const refreshUseQuery = `SELECT r.id, r.session_id, r.hash, r.parent_id, r.created, r.expires,
	r.rotated_at, r.successor_id, r.successor_sealed,
	s.id, s.user_id, s.collection_id, s.created, s.last_used, s.expires, s.ip,
	s.user_agent, s.amr, s.aal, s.impersonator_id, s.revoked_at, s.revoked_reason,
	u.id, u.collection_id, u.email, u.email_visibility, u.verified, u.name, u.avatar,
	u.password_hash, u.created, u.updated, u.profile, u.status, l.locked_until
	FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
	LEFT JOIN login_states l ON l.user_id = u.id WHERE r.hash = ?`

// RefreshTokenUse returns a token with its session, user and lockout
// end; see core.RefreshTokenStore.
func (q queries) RefreshTokenUse(ctx context.Context, hash []byte) (core.RefreshUse, error) {
	if len(hash) == 0 {
		return core.RefreshUse{}, notFound("refresh token use")
	}
	var ru core.RefreshUse
	t, s, u := &ru.Token, &ru.Session, &ru.User
	var amr string
	err := q.read.QueryRowContext(ctx, refreshUseQuery, hash).Scan(
		&t.ID, &t.SessionID, &t.Hash, &t.ParentID, timeCol{&t.Created}, timeCol{&t.Expires},
		timeCol{&t.RotatedAt}, &t.SuccessorID, &t.SuccessorSealed,
		&s.ID, &s.UserID, &s.CollectionID, timeCol{&s.Created}, timeCol{&s.LastUsed},
		timeCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
		timeCol{&s.RevokedAt}, &s.RevokedReason,
		&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
		&u.Name, &u.Avatar, &u.PasswordHash, timeCol{&u.Created}, timeCol{&u.Updated},
		profileCol{&u.Profile}, (*string)(&u.Status), timeCol{&ru.LockedUntil})
	if err == nil {
		s.AMR, err = decodeAMR(amr)
	}
	if err != nil {
		return core.RefreshUse{}, wrap("refresh token use", err)
	}
	return ru, nil
}
