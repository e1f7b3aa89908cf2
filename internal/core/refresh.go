package core

import (
	"context"
	"fmt"
)

// RequireSameCollection checks that the caller is authenticated as a
// member of c.
func RequireSameCollection(p *Principal, c *Collection) error {
	if p == nil {
		return Errorf(KindUnauthenticated, CodeAuthRequired, "The request requires valid record authorization token.")
	}
	if p.Collection.ID != c.ID {
		return &Error{Kind: KindForbidden, Code: CodeCollectionMismatch,
			Message: fmt.Sprintf("The request requires auth record from %s collection.", p.Collection.Name)}
	}
	return nil
}

// Refresh returns a fresh access token for the caller's session and
// extends the session. A non-refreshable token (from impersonation) is
// returned unchanged, as PocketBase does.
func (s *Service) Refresh(ctx context.Context, p *Principal, c *Collection) (AuthResult, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return AuthResult{}, err
	}
	now := s.Now()
	if !p.Refreshable {
		if err := s.store.TouchSession(ctx, p.Session.ID, now, p.Session.Expires); err != nil {
			return AuthResult{}, Internal(err)
		}
		return AuthResult{User: p.User, Collection: c, Session: p.Session, Token: p.Token}, nil
	}
	sess := p.Session
	sess.LastUsed, sess.Expires = now, now.Add(c.AuthTokenTTL)
	if err := s.store.TouchSession(ctx, sess.ID, sess.LastUsed, sess.Expires); err != nil {
		return AuthResult{}, Internal(err)
	}
	token, err := s.signAccess(c, p.User, sess, now, sess.Expires, true)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{User: p.User, Collection: c, Session: sess, Token: token}, nil
}
