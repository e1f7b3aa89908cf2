package postgres

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

// sessionUser is a session with its user, as SessionWithUser reads them.
type sessionUser struct {
	s core.Session
	u core.User
}

func scanSessionUser(r pgx.Row) (sessionUser, error) {
	var su sessionUser
	s, u := &su.s, &su.u
	var amr string
	err := r.Scan(&s.ID, &s.UserID, &s.CollectionID, msCol{&s.Created}, msCol{&s.LastUsed},
		msCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
		msCol{&s.RevokedAt}, &s.RevokedReason,
		&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
		&u.Name, &u.Avatar, &u.PasswordHash, msCol{&u.Created}, msCol{&u.Updated},
		profileCol{&u.Profile}, (*string)(&u.Status), &s.Client)
	if err != nil {
		return sessionUser{}, err
	}
	if s.AMR, err = decodeAMR(amr); err != nil {
		return sessionUser{}, err
	}
	return su, nil
}

// SessionWithUser returns a session with its user in one statement (token
// checks run it on every authenticated request); see core.SessionStore.
func (q queries) SessionWithUser(ctx context.Context, id string) (core.Session, core.User, error) {
	su, err := get(ctx, q, "session with user", `SELECT s.id, s.user_id, s.collection_id, s.created,
		s.last_used, s.expires, s.ip, s.user_agent, s.amr, s.aal, s.impersonator_id, s.revoked_at,
		s.revoked_reason, u.id, u.collection_id, u.email, u.email_visibility, u.verified, u.name,
		u.avatar, u.password_hash, u.created, u.updated, u.profile, u.status, s.client
		FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.id = $1`, []any{id}, scanSessionUser)
	return su.s, su.u, err
}

// RefreshTokenUse returns a token with its session, user and lockout end
// in one statement; see core.RefreshTokenStore.
func (q queries) RefreshTokenUse(ctx context.Context, hash []byte) (core.RefreshUse, error) {
	if len(hash) == 0 {
		return core.RefreshUse{}, notFound("refresh token use")
	}
	return get(ctx, q, "refresh token use", `SELECT r.id, r.session_id, r.hash, r.parent_id, r.created,
		r.expires, r.rotated_at, r.successor_id, r.successor_sealed,
		s.id, s.user_id, s.collection_id, s.created,
		s.last_used, s.expires, s.ip, s.user_agent, s.amr, s.aal, s.impersonator_id, s.revoked_at,
		s.revoked_reason, u.id, u.collection_id, u.email, u.email_visibility, u.verified, u.name,
		u.avatar, u.password_hash, u.created, u.updated, u.profile, u.status, l.locked_until
		FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id JOIN users u ON u.id = s.user_id
		LEFT JOIN login_states l ON l.user_id = u.id WHERE r.hash = $1`, []any{hash},
		func(r pgx.Row) (core.RefreshUse, error) {
			var ru core.RefreshUse
			t, s, u := &ru.Token, &ru.Session, &ru.User
			var amr string
			err := r.Scan(&t.ID, &t.SessionID, &t.Hash, &t.ParentID, msCol{&t.Created}, msCol{&t.Expires},
				msCol{&t.RotatedAt}, &t.SuccessorID, &t.SuccessorSealed,
				&s.ID, &s.UserID, &s.CollectionID, msCol{&s.Created}, msCol{&s.LastUsed},
				msCol{&s.Expires}, &s.IP, &s.UserAgent, &amr, &s.AAL, &s.ImpersonatorID,
				msCol{&s.RevokedAt}, &s.RevokedReason,
				&u.ID, &u.CollectionID, &u.Email, &u.EmailVisibility, &u.Verified,
				&u.Name, &u.Avatar, &u.PasswordHash, msCol{&u.Created}, msCol{&u.Updated},
				profileCol{&u.Profile}, (*string)(&u.Status), msCol{&ru.LockedUntil})
			if err == nil {
				s.AMR, err = decodeAMR(amr)
			}
			return ru, err
		})
}
