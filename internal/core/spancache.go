package core

import (
	"context"
	"sync"
	"time"
)

// spanCache keeps each user's listing of live sessions (ListSessionSpans:
// Payload shows it on every me and refresh) for as long as the auth cache
// keeps a session check, under the same rules: on this node every write
// that adds, moves or ends a session drops the listings it could change
// once it is done (cachingStore), and another node's writes show here
// within the TTL, as a revocation there does in the session check. Without
// it, every one of those answers paid a database read, which was about a
// third of Payload's me.
//
// It has its own generation, not the auth cache's: a session insert (every
// login) drops the user's listing, and sharing the generation would make
// every login of a flood throw away the session checks being read at the
// same moment.
type spanCache struct {
	ttl time.Duration

	mu    sync.Mutex
	gen   uint64
	users map[string]spanEntry // by user id
	owner map[string]string    // session id → user id, for the users cached
}

// spanEntry is one user's cached listing; at is when it was read, on the
// monotonic clock.
type spanEntry struct {
	spans []SessionSpan
	at    time.Time
}

// Bounds of the span cache: past maxSpanUsers it starts over, and a user
// with more than maxCachedSpans live sessions is read every time (such a
// listing is rare, and caching it would let one user fill the cache).
const (
	maxSpanUsers   = 50_000
	maxCachedSpans = 32
)

func newSpanCache(ttl time.Duration) *spanCache {
	return &spanCache{ttl: ttl, users: map[string]spanEntry{}, owner: map[string]string{}}
}

// get returns userID's cached listing, narrowed to the sessions still live
// at now (a session may have run out since the read), and the generation
// to hand to put when there is none. The slice returned is the caller's.
func (c *spanCache) get(userID string, mono, now time.Time) ([]SessionSpan, bool, uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.users[userID]
	if !ok || mono.Sub(e.at) >= c.ttl {
		return nil, false, c.gen
	}
	out := make([]SessionSpan, 0, len(e.spans))
	for _, sp := range e.spans {
		if now.Before(sp.Expires) {
			out = append(out, sp)
		}
	}
	return out, true, c.gen
}

// put caches a listing read at generation gen, unless a write has ended
// since. spans is copied.
func (c *spanCache) put(gen uint64, mono time.Time, userID string, spans []SessionSpan) {
	if len(spans) > maxCachedSpans {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if len(c.users) >= maxSpanUsers {
		clear(c.users)
		clear(c.owner)
	}
	c.dropLocked(userID)
	c.users[userID] = spanEntry{spans: append([]SessionSpan(nil), spans...), at: mono}
	for _, sp := range spans {
		c.owner[sp.ID] = userID
	}
}

// invalidate forgets everything, and makes reads in flight forget theirs.
func (c *spanCache) invalidate() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	clear(c.users)
	clear(c.owner)
}

// forgetUser drops userID's listing (a session of theirs was added).
func (c *spanCache) forgetUser(userID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	c.dropLocked(userID)
}

// forgetSession drops the listing that holds session id (its times
// moved). A session no cached listing holds changes nothing cached: a
// listing read later reads it anew.
func (c *spanCache) forgetSession(id string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	if userID, ok := c.owner[id]; ok {
		c.dropLocked(userID)
	}
}

// dropLocked removes userID's listing and its sessions' owner entries.
func (c *spanCache) dropLocked(userID string) {
	e, ok := c.users[userID]
	if !ok {
		return
	}
	for _, sp := range e.spans {
		delete(c.owner, sp.ID)
	}
	delete(c.users, userID)
}

// sessionSpans is the cached form of Store.ListUserSessionSpans.
func (s *Service) sessionSpans(ctx context.Context, userID string, now time.Time) ([]SessionSpan, error) {
	if s.spanCache == nil {
		return s.store.ListUserSessionSpans(ctx, userID, now)
	}
	mono := time.Now()
	list, ok, gen := s.spanCache.get(userID, mono, now)
	if ok {
		return list, nil
	}
	list, err := s.store.ListUserSessionSpans(ctx, userID, now)
	if err == nil {
		s.spanCache.put(gen, mono, userID, list)
	}
	return list, err
}
