package core

import (
	"context"
	"errors"
)

// Session revocation reasons for the inventory operations.
const (
	RevokedByUser      = "revoked_by_user"
	RevokedBySuperuser = "revoked_by_superuser"
	RevokedLogout      = "logout"
	RevokedLogoutOther = "logout_others"
	RevokedLogoutAll   = "logout_all"
)

// ListSessions returns the active sessions of user userID of c. Users see
// their own; superusers anyone's.
func (s *Service) ListSessions(ctx context.Context, p *Principal, c *Collection, userID string) ([]Session, error) {
	if err := s.canSeeSessions(ctx, p, c, userID); err != nil {
		return nil, err
	}
	list, err := s.store.ListUserSessions(ctx, userID, s.Now())
	if err != nil {
		return nil, Internal(err)
	}
	if list == nil {
		list = []Session{}
	}
	return list, nil
}

// ListSessionSpans is ListSessions narrowed to each session's id and
// lifetime, with the same checks: what a surface shows its owner on every
// read of its own account.
func (s *Service) ListSessionSpans(ctx context.Context, p *Principal, c *Collection, userID string) ([]SessionSpan, error) {
	if err := s.canSeeSessions(ctx, p, c, userID); err != nil {
		return nil, err
	}
	list, err := s.sessionSpans(ctx, userID, s.Now())
	if err != nil {
		return nil, Internal(err)
	}
	if list == nil {
		list = []SessionSpan{}
	}
	return list, nil
}

// RevokeSession ends one session of user userID of c. Tokens of that
// session stop working on the next request. A session that does not
// exist, is not the user's or is already over reads as not found.
func (s *Service) RevokeSession(ctx context.Context, p *Principal, c *Collection, userID, sessionID string) error {
	if err := s.canSeeSessions(ctx, p, c, userID); err != nil {
		return err
	}
	reason := RevokedByUser
	if !p.Is(c, userID) {
		reason = RevokedBySuperuser
	}
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		sess, err := q.SessionByID(ctx, sessionID)
		if errors.Is(err, ErrNotFound) || (err == nil && (sess.UserID != userID || sess.CollectionID != c.ID)) {
			return errRecordNotFound
		} else if err != nil {
			return err
		}
		if err := q.RevokeSession(ctx, sessionID, reason, s.Now()); errors.Is(err, ErrNotFound) {
			return errRecordNotFound
		} else if err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditSessionRevoked, p, c, userID, map[string]string{"session": sessionID, "reason": reason}))
	}))
}

// Logout ends the caller's current session.
func (s *Service) Logout(ctx context.Context, p *Principal, c *Collection) error {
	if err := RequireSameCollection(p, c); err != nil {
		return err
	}
	return s.RevokeSession(ctx, p, c, p.User.ID, p.Session.ID)
}

// LogoutOthers ends every session of the caller except the current one
// ("log out my other devices"); LogoutAll ends them all.
func (s *Service) LogoutOthers(ctx context.Context, p *Principal, c *Collection) (int, error) {
	return s.logoutMany(ctx, p, c, true)
}

// LogoutAll ends every session of the caller, the current one included.
func (s *Service) LogoutAll(ctx context.Context, p *Principal, c *Collection) (int, error) {
	return s.logoutMany(ctx, p, c, false)
}

func (s *Service) logoutMany(ctx context.Context, p *Principal, c *Collection, keepCurrent bool) (int, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return 0, err
	}
	except, reason := "", RevokedLogoutAll
	if keepCurrent {
		except, reason = p.Session.ID, RevokedLogoutOther
	}
	var n int
	err := s.store.InTx(ctx, func(q Queries) error {
		var err error
		if n, err = q.RevokeUserSessions(ctx, p.User.ID, except, reason, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditSessionRevoked, c, p.User.ID, map[string]string{"reason": reason, "count": itoa(n)}))
	})
	return n, AsErrorOrNil(err)
}

// canSeeSessions lets a user manage its own sessions and a superuser
// anyone's; everyone else, or a missing user, reads as not found.
func (s *Service) canSeeSessions(ctx context.Context, p *Principal, c *Collection, userID string) error {
	if p == nil {
		return NewError(KindUnauthenticated, CodeAuthRequired)
	}
	if !canManage(p, c, userID) {
		return errRecordNotFound
	}
	if p.Is(c, userID) {
		return nil // the caller itself, loaded moments ago by Authenticate (as in ViewUser)
	}
	if _, err := s.store.UserByID(ctx, c.ID, userID); errors.Is(err, ErrNotFound) {
		return errRecordNotFound
	} else if err != nil {
		return Internal(err)
	}
	return nil
}
