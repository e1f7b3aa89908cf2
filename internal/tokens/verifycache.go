package tokens

import (
	"sync"

	"github.com/gatehouse/gatehouse/internal/core"
)

// maxVerified bounds the verified-token cache of one key ring.
const maxVerified = 8192

// verifiedCache remembers tokens whose signature was already checked, or
// that the ring signed itself, so the same token presented on every
// request of a session costs one map lookup instead of an Ed25519
// verification. It caches only the signature's verdict and the view of
// the claims core reads (core.AccessView, a value: nothing a caller does
// with it reaches the cache): expiry, type and session are still checked
// by core on every request. It belongs to one ring snapshot, so loading
// new keys starts an empty cache.
type verifiedCache struct {
	mu sync.RWMutex
	m  map[string]core.AccessView
}

// get returns the cached view of token's claims.
func (c *verifiedCache) get(token string) (core.AccessView, bool) {
	c.mu.RLock()
	v, ok := c.m[token]
	c.mu.RUnlock()
	return v, ok
}

// put remembers the view of a verified token's claims. When the cache is
// full it starts over: simpler than LRU bookkeeping, and a hot token is
// back after one more verification.
func (c *verifiedCache) put(token string, v core.AccessView) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil || len(c.m) >= maxVerified {
		c.m = make(map[string]core.AccessView, 256)
	}
	c.m[token] = v
}
