package core

import (
	"context"
	"crypto/sha256"
	"errors"
)

var errBadRefresh = NewError(KindUnauthenticated, CodeRefreshInvalid)

// RefreshWithToken exchanges an opaque refresh token for a new access
// token and a new refresh token (rotation), with the profile's lifetimes.
// Presenting a token that was already rotated:
//   - within the grace window answers with the same successor (an honest
//     retry, or two tabs racing), unless the profile has NoReuseGrace;
//   - later means the token was copied: the whole session and every token
//     of it are revoked, the event is audited, and the caller gets 401.
//
// A profile with RefuseLockedRefresh refuses the exchange while the user
// is locked out; that is checked before rotation, so the token still
// works once the lock ends.
//
// Rotation happens in one transaction on the token's row, so any number
// of simultaneous refreshes with one token leave exactly one successor.
func (s *Service) RefreshWithToken(ctx context.Context, c *Collection, token string) (AuthResult, error) {
	tokens := s.profile.Tokens
	if token == "" || len(token) > 512 {
		s.metrics.Refresh("refresh_token", "failure")
		return AuthResult{}, errBadRefresh
	}
	sum := sha256.Sum256([]byte(token))
	// Counted before the transaction: the counter is its own write, and
	// SQLite has one writer.
	if err := s.limit(ctx, ActionRefresh, "refresh\x00"+string(sum[:])); err != nil {
		return AuthResult{}, err
	}
	var res AuthResult
	var reused bool
	err := s.store.InTx(ctx, func(q Queries) error {
		res, reused = AuthResult{}, false
		rt, err := q.RefreshTokenByHash(ctx, sum[:])
		if errors.Is(err, ErrNotFound) {
			return errBadRefresh
		} else if err != nil {
			return err
		}
		sess, u, err := q.SessionWithUser(ctx, rt.SessionID)
		if errors.Is(err, ErrNotFound) {
			return errBadRefresh
		} else if err != nil {
			return err
		}
		now := s.Now()
		if !sess.Active(now) || sess.CollectionID != c.ID || u.CollectionID != c.ID || u.Suspended() {
			return errBadRefresh
		}
		// With no grace at all (the profile's, or a zero setting) any
		// second use is a replay, even within the same millisecond.
		grace := s.settings.RefreshReuseGrace
		if s.profile.NoReuseGrace {
			grace = 0
		}
		replayed := !rt.RotatedAt.IsZero() && (grace <= 0 || now.Sub(rt.RotatedAt) > grace)
		if s.profile.RefuseLockedRefresh && !replayed {
			// A replay is theft whatever the lock: it still revokes.
			if err := s.refuseLocked(ctx, q, u.ID, now); err != nil {
				return err
			}
		}
		next := token // the token the client will hold afterwards
		switch {
		case !rt.RotatedAt.IsZero() && !replayed:
			if next, err = openSuccessor(token, rt.SuccessorSealed); err != nil {
				return err
			}
			res.RefreshExpires = rt.RotatedAt.Add(tokens.refreshTTL(c))
		case replayed:
			reused = true
			if err := q.RevokeSession(ctx, sess.ID, "refresh_token_reuse", now); err != nil && !errors.Is(err, ErrNotFound) {
				return err
			}
			return s.audit(ctx, q, byUser(AuditRefreshReuse, c, u.ID, map[string]string{"session": sess.ID}))
		case !now.Before(rt.Expires):
			return errBadRefresh
		default:
			var child RefreshToken
			next, child = newRefreshToken(sess.ID, rt.ID, now, now.Add(tokens.refreshTTL(c)))
			sealed, err := sealSuccessor(token, next)
			if err != nil {
				return err
			}
			if err := q.InsertRefreshToken(ctx, child); err != nil {
				return err
			}
			if err := q.RotateRefreshToken(ctx, rt.ID, now, child.ID, sealed); err != nil {
				return err
			}
			res.RefreshExpires = child.Expires
			sess.Expires = maxTime(sess.Expires, child.Expires)
		}
		sess.LastUsed = now
		if err := q.TouchSession(ctx, sess.ID, now, sess.Expires); err != nil {
			return err
		}
		exp := now.Add(tokens.accessTTL(c))
		access, err := s.signAccess(c, u, sess, now, exp, true)
		if err != nil {
			return err
		}
		res = AuthResult{User: u, Collection: c, Session: sess, Token: access, RefreshToken: next,
			RefreshExpires: res.RefreshExpires, AccessTTL: accessLifetime(sess, now, exp)}
		return nil
	})
	switch {
	case reused && err == nil:
		s.log.WarnContext(ctx, "refresh token reuse: session revoked", "collection", c.Name)
		s.metrics.Refresh("refresh_token", "reuse")
		return AuthResult{}, NewError(KindUnauthenticated, CodeRefreshReuse)
	case err != nil:
		s.metrics.Refresh("refresh_token", "failure")
		return AuthResult{}, AsError(err)
	}
	s.metrics.Refresh("refresh_token", "success")
	return res, nil
}
