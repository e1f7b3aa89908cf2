package core

import (
	"context"
	"crypto/sha256"
	"errors"
	"time"
)

var errBadRefresh = NewError(KindUnauthenticated, CodeRefreshInvalid)

// errRotationRaced says the optimistic rotation met a write it must not
// overrule (another rotation of the token, a revoked session, a replay
// to act on): RefreshWithToken then decides again.
var errRotationRaced = errors.New("core: refresh rotation raced")

// optimisticRotations bounds the optimistic attempts of one refresh
// before it falls back to deciding inside a transaction. The second
// attempt sees what beat the first (the token rotated: a grace retry or
// a replay; the session ended), so a third is rarely reached.
const optimisticRotations = 2

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
// Any number of simultaneous refreshes with one token leave exactly one
// successor: the rotation is one conditional write (see rotateOptimistic
// and Store.RotateRefresh), and a replay is decided in one transaction.
// A token this node issued is rotated first without a read (see
// rotateIssued); anything that rotation cannot settle goes the same way.
func (s *Service) RefreshWithToken(ctx context.Context, c *Collection, token string) (AuthResult, error) {
	if token == "" || len(token) > 512 {
		s.metrics.Refresh("refresh_token", "failure")
		return AuthResult{}, errBadRefresh
	}
	sum := sha256.Sum256([]byte(token))
	// Counted before anything else: the counter is its own write.
	if err := s.limit(ctx, ActionRefresh, "refresh\x00"+string(sum[:])); err != nil {
		return AuthResult{}, err
	}
	var res AuthResult
	var reused bool
	err := errRotationRaced
	if s.authCache != nil {
		if e, ok := s.authCache.issued.take(sum); ok {
			res, err = s.rotateIssued(ctx, c, token, e)
		}
	}
	for i := 0; i < optimisticRotations && errors.Is(err, errRotationRaced); i++ {
		res, err = s.rotateOptimistic(ctx, c, token, sum[:])
	}
	if errors.Is(err, errRotationRaced) {
		res, reused, err = s.rotateInTx(ctx, c, token, sum[:])
	}
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

// refreshCheck is what every path of a refresh decides from the token's
// row and its session: whether the exchange may go on, and whether the
// use is a replay.
func (s *Service) refreshCheck(c *Collection, rt RefreshToken, sess Session, u User, now time.Time) (replayed bool, err error) {
	if !sess.Active(now) || sess.CollectionID != c.ID || u.CollectionID != c.ID || u.Suspended() {
		return false, errBadRefresh
	}
	// With no grace at all (the profile's, or a zero setting) any
	// second use is a replay, even within the same millisecond.
	grace := s.settings.RefreshReuseGrace
	if s.profile.NoReuseGrace {
		grace = 0
	}
	return !rt.RotatedAt.IsZero() && (grace <= 0 || now.Sub(rt.RotatedAt) > grace), nil
}

// rotateOptimistic is a refresh that holds nothing while it works: it
// reads the token, its session, user and lockout outside any transaction
// in one read (Store.RefreshTokenUse), makes
// the successor and signs the access token, and then writes the rotation
// with one conditional call (Store.RotateRefresh), which refuses if
// anything it relied on changed meanwhile. On the single-writer SQLite
// store that keeps the reads, the sealing and the signing out of the
// write lock; on PostgreSQL it is one statement with no serialization
// failure to retry.
//
// A retry within the grace window writes nothing: the rotation it
// repeats recorded the session's use a moment ago. A replay, and a
// rotation that lost to a concurrent write, come back as
// errRotationRaced.
func (s *Service) rotateOptimistic(ctx context.Context, c *Collection, token string, hash []byte) (AuthResult, error) {
	var snap authSnap
	var readAt time.Time
	if s.authCache != nil {
		snap, readAt = s.authCache.snap(), time.Now()
	}
	use, err := s.store.RefreshTokenUse(ctx, hash)
	if errors.Is(err, ErrNotFound) {
		return AuthResult{}, errBadRefresh
	} else if err != nil {
		return AuthResult{}, err
	}
	rt, sess, u := use.Token, use.Session, use.User
	if s.authCache != nil {
		// The next rotation of this chain decides from this read (see
		// rotateIssued), within the cache's TTL.
		s.authCache.putUse(snap, readAt, sess, u, use.LockedUntil)
	}
	now := s.Now()
	replayed, err := s.refreshCheck(c, rt, sess, u, now)
	if err != nil {
		return AuthResult{}, err
	}
	if replayed {
		return AuthResult{}, errRotationRaced // revoked in a transaction
	}
	if s.profile.RefuseLockedRefresh {
		if err := s.refuseLockedUntil(use.LockedUntil, now); err != nil {
			return AuthResult{}, err
		}
	}
	switch {
	case !rt.RotatedAt.IsZero():
		next, err := openSuccessor(token, rt.SuccessorSealed)
		if err != nil {
			return AuthResult{}, err
		}
		// This use is the rotation's, retried: the rotation recorded
		// the session's use within the grace, so nothing is written.
		sess.LastUsed = now
		return s.rotatedResult(c, u, sess, now, next, rt.RotatedAt.Add(s.profile.Tokens.refreshTTL(c)))
	case !now.Before(rt.Expires):
		return AuthResult{}, errBadRefresh
	}
	return s.rotateLive(ctx, c, token, rt.ID, sess, u, now)
}

// rotateLive rotates token, whose row id is unrotated and unexpired at
// now as far as the caller read, in session sess of user u: it makes and
// seals the successor, writes the rotation with one conditional call
// (errRotationRaced when the write refuses), remembers the successor as
// issued by this node, and signs the access token.
func (s *Service) rotateLive(ctx context.Context, c *Collection, token, id string, sess Session, u User, now time.Time) (AuthResult, error) {
	next, child := newRefreshToken(sess.ID, id, now, now.Add(s.profile.Tokens.refreshTTL(c)))
	sealed, err := sealSuccessor(token, next)
	if err != nil {
		return AuthResult{}, err
	}
	rot := RefreshRotation{TokenID: id, At: now, Child: child, Sealed: sealed}
	// The session is written at most once per touchEvery, as
	// Refresh does: its expiry then runs touchEvery past the new
	// token's (the session outlives every token of it), and its
	// last use is recorded to within touchEvery. A rotation that
	// also wrote the session row cost the single writer two more
	// pages (the row and its expiry index) on every use.
	if sess.Expires.Before(child.Expires) || now.Sub(sess.LastUsed) >= touchEvery {
		sess.LastUsed, sess.Expires = now, maxTime(sess.Expires, child.Expires.Add(touchEvery))
		rot.SessionExpires = sess.Expires
	}
	err = s.store.RotateRefresh(ctx, rot)
	if errors.Is(err, ErrConflict) {
		return AuthResult{}, errRotationRaced
	} else if err != nil {
		return AuthResult{}, err
	}
	if s.authCache != nil {
		s.authCache.issued.put(child.Hash, issuedToken{id: child.ID, sessionID: sess.ID, expires: child.Expires})
	}
	return s.rotatedResult(c, u, sess, now, next, child.Expires)
}

// rotatedResult signs the access token of a refresh that hands the
// client refresh token next (expiring at refreshExpires).
func (s *Service) rotatedResult(c *Collection, u User, sess Session, now time.Time, next string, refreshExpires time.Time) (AuthResult, error) {
	exp := now.Add(s.profile.Tokens.accessTTL(c))
	access, err := s.signAccess(c, u, sess, now, exp, true)
	if err != nil {
		return AuthResult{}, err
	}
	return AuthResult{User: u, Collection: c, Session: sess, Token: access, RefreshToken: next,
		RefreshExpires: refreshExpires, AccessTTL: accessLifetime(sess, now, exp), AccessExpires: accessExpiry(sess, exp)}, nil
}

// rotateInTx is a refresh decided and written in one transaction on the
// token's row: the path of a replay (which revokes the session and
// audits) and of a rotation that kept losing the optimistic race.
func (s *Service) rotateInTx(ctx context.Context, c *Collection, token string, hash []byte) (AuthResult, bool, error) {
	tokens := s.profile.Tokens
	var res AuthResult
	var reused bool
	err := s.store.InTx(ctx, func(q Queries) error {
		res, reused = AuthResult{}, false
		rt, err := q.RefreshTokenByHash(ctx, hash)
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
		replayed, err := s.refreshCheck(c, rt, sess, u, now)
		if err != nil {
			return err
		}
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
			RefreshExpires: res.RefreshExpires, AccessTTL: accessLifetime(sess, now, exp), AccessExpires: accessExpiry(sess, exp)}
		return nil
	})
	return res, reused, err
}
