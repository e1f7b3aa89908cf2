package core

import (
	"context"
	"time"
)

// RequireSameCollection checks that the caller is authenticated as a
// member of c.
func RequireSameCollection(p *Principal, c *Collection) error {
	if p == nil {
		return NewError(KindUnauthenticated, CodeAuthRequired)
	}
	if p.Collection.ID != c.ID {
		return &Error{Kind: KindForbidden, Code: CodeCollectionMismatch,
			Params: map[string]any{"collection": p.Collection.Name}}
	}
	return nil
}

// touchEvery is how often refreshes of one session write to it; see
// Refresh.
const touchEvery = time.Minute

// Refresh returns a fresh access token for the caller's session and
// extends the session (PocketBase's auth-refresh, which refreshes an
// access token with itself). A non-refreshable token (from impersonation)
// is returned unchanged, as PocketBase does.
func (s *Service) Refresh(ctx context.Context, p *Principal, c *Collection) (AuthResult, error) {
	if err := RequireSameCollection(p, c); err != nil {
		s.metrics.Refresh("access_token", "failure")
		return AuthResult{}, err
	}
	if _, limited := s.settings.RateLimits[ActionRefresh]; limited {
		if err := s.limit(ctx, ActionRefresh, "session\x00"+p.Session.ID); err != nil {
			return AuthResult{}, err
		}
	}
	now := s.Now()
	if !p.Refreshable {
		if err := s.store.TouchSession(ctx, p.Session.ID, now, p.Session.Expires); err != nil {
			return AuthResult{}, Internal(err)
		}
		s.metrics.Refresh("access_token", "success")
		return AuthResult{User: p.User, Collection: c, Session: p.Session, Token: p.Token, AccessExpires: p.Expires}, nil
	}
	sess := p.Session
	exp := now.Add(s.profile.Tokens.accessTTL(c))
	// A write per refresh would make refreshes cost what logins cost in
	// the store's one writer, so the session is touched at most once per
	// touchEvery: its expiry then runs touchEvery past the new token's
	// (the session must outlive every token of it), and last_used is
	// recorded to within touchEvery.
	if sess.Expires.Before(exp) || now.Sub(sess.LastUsed) >= touchEvery {
		sess.LastUsed, sess.Expires = now, maxTime(sess.Expires, exp.Add(touchEvery))
		if err := s.store.TouchSession(ctx, sess.ID, sess.LastUsed, sess.Expires); err != nil {
			return AuthResult{}, Internal(err)
		}
	}
	token, err := s.signAccess(c, p.User, sess, now, exp, true)
	if err != nil {
		return AuthResult{}, err
	}
	s.metrics.Refresh("access_token", "success")
	return AuthResult{User: p.User, Collection: c, Session: sess, Token: token, AccessExpires: accessExpiry(sess, exp)}, nil
}
