package core

import (
	"context"
	"errors"
)

// RotateSession replaces the caller's session by a new one with a fresh
// access token. It serves clients whose only credential is the access
// token itself (Directus's session mode keeps it in a cookie): a refresh
// must hand out a new token and retire the old one, which a stateless
// token cannot do on its own, so the session behind it is retired
// instead. The new session lives the profile's SessionTTL and keeps the
// old one's methods, assurance level and impersonator; the old one ends
// the profile's SessionGrace from now (never later than it would have). A
// profile with RefuseLockedRefresh refuses while the user is locked out.
//
// Two rotations of one session racing within the grace each get their own
// successor; the client keeps whichever answer it read last, and the
// other successor lives out its TTL unused.
func (s *Service) RotateSession(ctx context.Context, p *Principal, c *Collection) (AuthResult, error) {
	if err := RequireSameCollection(p, c); err != nil {
		s.metrics.Refresh("session", "failure")
		return AuthResult{}, err
	}
	if err := s.limit(ctx, ActionRefresh, "session\x00"+p.Session.ID); err != nil {
		return AuthResult{}, err
	}
	ttl := s.profile.Tokens.sessionTTL(c)
	var res AuthResult
	err := s.store.InTx(ctx, func(q Queries) error {
		now := s.Now()
		old, u, err := q.SessionWithUser(ctx, p.Session.ID)
		if errors.Is(err, ErrNotFound) || (err == nil && (!old.Active(now) || u.CollectionID != c.ID)) {
			return badToken(ErrSessionEnded)
		} else if err != nil {
			return err
		}
		if s.profile.RefuseLockedRefresh {
			if err := s.refuseLocked(ctx, q, u.ID, now); err != nil {
				return err
			}
		}
		if !p.Refreshable {
			// An impersonation token is not refreshable, as in Refresh:
			// the caller keeps it unchanged until it runs out.
			res = AuthResult{User: u, Collection: c, Session: old, Token: p.Token, AccessTTL: p.Expires.Sub(now), AccessExpires: p.Expires}
			return nil
		}
		cl := ClientFrom(ctx)
		next := Session{
			ID: NewID(), UserID: u.ID, CollectionID: c.ID, Created: now, LastUsed: now, Expires: now.Add(ttl),
			IP: cl.IP, UserAgent: truncate(cl.UserAgent, 512),
			AMR: old.AMR, AAL: max(1, old.AAL), ImpersonatorID: old.ImpersonatorID, Client: old.Client,
		}
		if err := q.InsertSession(ctx, next); err != nil {
			return err
		}
		end := now.Add(s.profile.Tokens.SessionGrace)
		if end.After(old.Expires) {
			end = old.Expires
		}
		if err := q.TouchSession(ctx, old.ID, now, end); err != nil {
			return err
		}
		token, err := s.signAccess(c, u, next, now, next.Expires, true)
		if err != nil {
			return err
		}
		res = AuthResult{User: u, Collection: c, Session: next, Token: token, AccessTTL: ttl, AccessExpires: next.Expires}
		return nil
	})
	if err != nil {
		s.metrics.Refresh("session", "failure")
		return AuthResult{}, AsError(err)
	}
	s.metrics.Refresh("session", "success")
	return res, nil
}
