package core

import (
	"context"
	"crypto/sha256"
	"errors"
)

// CodeRefreshReuse is the code of a refresh token presented again after
// it was rotated: the session it belonged to has been revoked.
const CodeRefreshReuse = "refresh_token_reused"

var errBadRefresh = Errorf(KindUnauthenticated, CodeAuthRequired, "Invalid or expired refresh token.")

// RefreshWithToken exchanges an opaque refresh token for a new access
// token and a new refresh token (rotation). Presenting a token that was
// already rotated:
//   - within the grace window answers with the same successor (an honest
//     retry, or two tabs racing);
//   - later means the token was copied: the whole session and every token
//     of it are revoked, the event is audited, and the caller gets 401.
//
// Rotation happens in one transaction on the token's row, so any number
// of simultaneous refreshes with one token leave exactly one successor.
func (s *Service) RefreshWithToken(ctx context.Context, c *Collection, token string) (AuthResult, error) {
	return s.RefreshWithTokenOptions(ctx, c, token, RefreshOptions{})
}

// RefreshOptions shape a refresh-token exchange.
type RefreshOptions struct {
	// Tokens overrides the collection's token lifetimes.
	Tokens TokenOptions
	// RefuseLocked refuses the exchange while the user's account is
	// locked after failed logins (Directus suspends such a user, and its
	// sessions stop refreshing). The refusal is checked before rotation,
	// so the token still works once the lock ends.
	RefuseLocked bool
	// NoReuseGrace treats any second use of a rotated token as a replay,
	// however soon it comes (Directus kills a rotated token at once), instead
	// of answering a retry within the grace window with the same successor.
	NoReuseGrace bool
}

// RefreshWithTokenOptions is RefreshWithToken with options.
func (s *Service) RefreshWithTokenOptions(ctx context.Context, c *Collection, token string, o RefreshOptions) (AuthResult, error) {
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
		replayed := !rt.RotatedAt.IsZero() && (o.NoReuseGrace || now.Sub(rt.RotatedAt) > s.settings.RefreshReuseGrace)
		if o.RefuseLocked && !replayed {
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
			res.RefreshExpires = rt.RotatedAt.Add(o.Tokens.refreshTTL(c))
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
			next, child = newRefreshToken(sess.ID, rt.ID, now, now.Add(o.Tokens.refreshTTL(c)))
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
		exp := now.Add(o.Tokens.accessTTL(c))
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
		return AuthResult{}, &Error{Kind: KindUnauthenticated, Code: CodeRefreshReuse, Message: "Invalid or expired refresh token."}
	case err != nil:
		s.metrics.Refresh("refresh_token", "failure")
		return AuthResult{}, AsError(err)
	}
	s.metrics.Refresh("refresh_token", "success")
	return res, nil
}
