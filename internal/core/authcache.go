package core

import (
	"context"
	"sync"
	"time"
)

// The session check behind every authenticated request reads a session
// and its user. authCache lets a node reuse that read for a short while
// (Settings.SessionCacheTTL), which takes the database off the hot path
// of token checks.
//
// Staleness is bounded two ways. On this node, every write that can end a
// session or change a user (UpdateUser, DeleteUser, RevokeSession,
// RevokeUserSessions, PruneSessions, in a transaction or not) goes through
// cachingStore, which empties the cache once the write is done
// (TouchSession, which changes one session's times and nothing else,
// drops that session's entry), so a logout or a password change here is
// refused by the very next request. On another node, a
// cached entry lives at most the TTL, so a revocation there is refused
// here within it (issue 6 allows one second; the default is 250 ms).
//
// A read that raced a write must not put the old state back: each read
// notes the cache's generation before it goes to the store, and its
// result is kept only if no write ended in between.
//
// An entry filled by a refresh's read (RefreshTokenUse) also holds the
// user's lockout end, valid under the same TTL and, on this node, until a
// lock is written (lockGen): rotations of tokens this node issued
// (issued) are decided from the entry instead of a read (see
// rotateIssued).
type authCache struct {
	ttl time.Duration

	mu      sync.RWMutex // get, on every token check, only reads
	gen     uint64
	lockGen uint64 // moves when a lock is written on this node
	entries map[string]authEntry
	size    int // the entries' estimated bytes (authEntry.size)

	issued issuedTokens
}

// authEntry is one cached read; at is when it was read, on the monotonic
// clock (real time, whatever clock core runs on).
type authEntry struct {
	sess Session
	user User
	at   time.Time
	size int // estimated bytes, profile included
	// lockedUntil is the user's lockout end read with them, known when
	// lockKnown and lockGen is still the cache's.
	lockedUntil time.Time
	lockGen     uint64
	lockKnown   bool
}

// authSnap is the cache's generations before a read (see put).
type authSnap struct{ gen, lockGen uint64 }

// The cache's bounds; past either, it starts over. An entry is a few
// hundred bytes plus its user's profile document, which may reach
// MaxProfileBytes: the byte bound keeps many sessions of users with large
// profiles from holding gigabytes.
const (
	maxAuthEntries = 100_000
	maxAuthBytes   = 64 << 20
	authEntryBytes = 512 // an entry without a profile, roughly
)

func newAuthCache(ttl time.Duration) *authCache {
	return &authCache{ttl: ttl, entries: map[string]authEntry{}, issued: newIssuedTokens()}
}

// get returns the cached session and user, and the generation to hand to
// put when there is none.
func (c *authCache) get(id string) (Session, User, bool, uint64) {
	return c.getAt(id, time.Now())
}

// getAt is get at now, a reading of the monotonic clock.
func (c *authCache) getAt(id string, now time.Time) (Session, User, bool, uint64) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, ok := c.entries[id]
	if ok && now.Sub(e.at) < c.ttl {
		return e.sess, e.user, true, c.gen
	}
	return Session{}, User{}, false, c.gen
}

// put caches a read made at generation gen, unless a write has ended
// since.
func (c *authCache) put(gen uint64, at time.Time, s Session, u User) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	c.store(authEntry{sess: s, user: u, at: at})
}

// snap returns the generations a read about to start must be put with
// (putUse).
func (c *authCache) snap() authSnap {
	c.mu.RLock()
	defer c.mu.RUnlock()
	return authSnap{gen: c.gen, lockGen: c.lockGen}
}

// putUse caches a refresh's read made at snap: the session and user,
// unless a write has ended since, and the lockout end with them, unless
// a lock was also written since.
func (c *authCache) putUse(snap authSnap, at time.Time, s Session, u User, lockedUntil time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if snap.gen != c.gen {
		return
	}
	e := authEntry{sess: s, user: u, at: at}
	if snap.lockGen == c.lockGen {
		e.lockedUntil, e.lockGen, e.lockKnown = lockedUntil, c.lockGen, true
	}
	c.store(e)
}

// getUse returns the cached session and user of session id at now (a
// reading of the monotonic clock), and with needLock the user's lockout
// end; ok is false unless what was asked for is known and fresh.
func (c *authCache) getUse(id string, now time.Time, needLock bool) (sess Session, u User, lockedUntil time.Time, ok bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	e, hit := c.entries[id]
	if !hit || now.Sub(e.at) >= c.ttl || needLock && (!e.lockKnown || e.lockGen != c.lockGen) {
		return Session{}, User{}, time.Time{}, false
	}
	return e.sess, e.user, e.lockedUntil, true
}

// lockWritten makes every cached lockout end unknown: a lock was written
// on this node (the session checks themselves stay).
func (c *authCache) lockWritten() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.lockGen++
}

// store adds e, within the cache's bounds; c.mu is held.
func (c *authCache) store(e authEntry) {
	s, u := e.sess, e.user
	size := authEntryBytes
	if u.Profile != nil {
		size += profileFootprint(u.Profile)
	}
	if old, ok := c.entries[s.ID]; ok {
		c.size -= old.size
	}
	if len(c.entries) >= maxAuthEntries || c.size+size > maxAuthBytes {
		clear(c.entries)
		c.size = 0
	}
	e.size = size
	c.entries[s.ID] = e
	c.size += size
}

// invalidate forgets everything, and makes reads still in flight
// forget theirs.
func (c *authCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.entries)
	c.size = 0
}

// forget drops the entry of session id alone, and makes reads still in
// flight forget theirs (they may carry its old state).
func (c *authCache) forget(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if e, ok := c.entries[id]; ok {
		c.size -= e.size
		delete(c.entries, id)
	}
}

// sessionWithUser is the cached form of Store.SessionWithUser. at is a
// reading of the monotonic clock the caller took just before (the zero
// time: none), which saves reading it again.
func (s *Service) sessionWithUser(ctx context.Context, id string, at time.Time) (Session, User, error) {
	if s.authCache == nil {
		return s.store.SessionWithUser(ctx, id)
	}
	if at.IsZero() {
		at = time.Now()
	}
	sess, u, ok, gen := s.authCache.getAt(id, at)
	if ok {
		return sess, u, nil
	}
	sess, u, err := s.store.SessionWithUser(ctx, id)
	if err == nil {
		s.authCache.put(gen, at, sess, u)
	}
	return sess, u, err
}
