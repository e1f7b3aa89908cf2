package core

import (
	"context"
	"sync"
	"time"
)

// issuedTokens remembers the refresh tokens this node issued by rotation
// and has not seen used yet: by the token's SHA-256, what rotating it
// needs besides its session and user (its row's id, session and
// expiry). A client of this node presents the token it was handed last,
// so its next rotation finds here what RefreshTokenUse would read, and
// the session and user in the auth cache (see rotateIssued).
//
// It is a hint, never a verdict. An entry says only "this node wrote
// this row, unrotated": whether the token is still unrotated, and its
// session still active, is decided by the conditional write
// (Store.RotateRefresh) as on every other path, so a rotation or a
// revocation by another node, or straight in the store, makes the
// write refuse and the refresh decides again from a read. An entry is
// taken out when used, so a second presentation of a token always
// reads.
type issuedTokens struct {
	mu sync.Mutex
	m  map[[32]byte]issuedToken
}

// issuedToken is what rotation needs of a token's row besides its
// hash: the row's id, its session and its expiry.
type issuedToken struct {
	id        string
	sessionID string
	expires   time.Time
}

// maxIssuedTokens bounds the memo; past it, it starts over. An entry is
// about 150 bytes, so a full memo holds a few MB; each live chain needs
// one entry, and a chain whose entry was lost only reads once.
const maxIssuedTokens = 1 << 15

func newIssuedTokens() issuedTokens {
	return issuedTokens{m: map[[32]byte]issuedToken{}}
}

// put remembers the token whose SHA-256 is hash.
func (t *issuedTokens) put(hash []byte, e issuedToken) {
	if len(hash) != 32 {
		return
	}
	t.mu.Lock()
	defer t.mu.Unlock()
	if len(t.m) >= maxIssuedTokens {
		clear(t.m)
	}
	t.m[[32]byte(hash)] = e
}

// take returns the token whose SHA-256 is hash, and forgets it: the
// use it is taken for either rotates it or decides from a read.
func (t *issuedTokens) take(hash [32]byte) (issuedToken, bool) {
	t.mu.Lock()
	defer t.mu.Unlock()
	e, ok := t.m[hash]
	if ok {
		delete(t.m, hash)
	}
	return e, ok
}

// rotateIssued is RefreshWithToken's rotation of a token this node issued
// (e, taken from the memo), without reading it: the session, the user
// and the lockout end come from the auth cache, filled by the read of an
// earlier rotation of the chain no longer ago than the cache's TTL (and
// emptied on this node by any write that ends the session, changes the
// user or locks an account), so what it decides from is no staler than a
// cached access-token check. The write is the same conditional one as
// rotateOptimistic's, the arbiter of everything it checks (the token
// unrotated and unexpired, the session active): a token already rotated
// elsewhere (a replay) or a session revoked elsewhere makes it refuse.
//
// It only ever rotates: anything else (no fresh cached entry, a check
// that refuses, a write that refuses) comes back as errRotationRaced,
// and RefreshWithToken decides again from a read, which is also what
// detects and answers a replay.
func (s *Service) rotateIssued(ctx context.Context, c *Collection, token string, e issuedToken) (AuthResult, error) {
	needLock := s.profile.RefuseLockedRefresh && s.lockoutPolicy().MaxFailures > 0
	sess, u, lockedUntil, ok := s.authCache.getUse(e.sessionID, time.Now(), needLock)
	if !ok {
		return AuthResult{}, errRotationRaced
	}
	now := s.Now()
	if _, err := s.refreshCheck(c, RefreshToken{}, sess, u, now); err != nil || !now.Before(e.expires) {
		return AuthResult{}, errRotationRaced
	}
	if needLock && s.refuseLockedUntil(lockedUntil, now) != nil {
		return AuthResult{}, errRotationRaced
	}
	return s.rotateLive(ctx, c, token, e.id, sess, u, now)
}
