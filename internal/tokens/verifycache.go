package tokens

import (
	"maps"
	"sync"
)

// maxVerified bounds the verified-token cache of one key ring (about a
// kilobyte per entry).
const maxVerified = 8192

// verifiedCache remembers tokens whose signature was already checked, so
// the same token presented on every request of a session costs one map
// lookup instead of an Ed25519 verification. It caches only the
// signature's verdict: expiry, type and session are still checked by core
// on every request. It belongs to one ring snapshot, so loading new keys
// starts an empty cache.
type verifiedCache struct {
	mu sync.RWMutex
	m  map[string]map[string]any
}

// get returns a copy of the cached claims of token (callers may modify
// what Verify returns).
func (c *verifiedCache) get(token string) (map[string]any, bool) {
	c.mu.RLock()
	claims, ok := c.m[token]
	c.mu.RUnlock()
	if !ok {
		return nil, false
	}
	return maps.Clone(claims), true
}

// put remembers claims of a verified token. When the cache is full it
// starts over: simpler than LRU bookkeeping, and a hot token is back after
// one more verification.
func (c *verifiedCache) put(token string, claims map[string]any) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerified {
		c.m = make(map[string]map[string]any, 256)
	}
	c.m[token] = maps.Clone(claims)
}
