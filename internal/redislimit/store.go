package redislimit

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// DefaultPrefix starts every counter key Wrap writes, so the counters can
// share a Redis database with other data.
const DefaultPrefix = "gatehouse:rl:"

// hitLua counts one hit and keeps the counter until the latest expiry
// any hit gave, as the SQL stores do: a hit never shortens a window's
// life. It runs as one script, so the increment and the expiry cannot be
// split by another hit or left half done.
//
// The current expiry is worked out from PTTL and the server's clock
// (PEXPIRETIME and PEXPIREAT's GT flag need Redis 7). An expiry already
// past deletes the counter at once: the window is over.
const hitLua = `
local n = redis.call('INCR', KEYS[1])
local at = tonumber(ARGV[1])
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
	redis.call('PEXPIREAT', KEYS[1], at)
else
	local t = redis.call('TIME')
	local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
	if at > now + ttl then
		redis.call('PEXPIREAT', KEYS[1], at)
	end
end
return n
`

// store is a core.Store whose rate-limit counters live in Redis.
type store struct {
	core.Store
	c      *Client
	prefix string
}

var _ core.Store = (*store)(nil)

// Wrap returns a store that keeps rate-limit counters in Redis through c
// and sends every other call, InTx included, to s. Core never counts a
// rate limit inside a transaction, so the Queries InTx hands out are s's
// own. Counter keys start with prefix (DefaultPrefix when empty), so
// that several deployments (or test runs) can share one Redis database
// without sharing counters.
func Wrap(s core.Store, c *Client, prefix string) core.Store {
	if prefix == "" {
		prefix = DefaultPrefix
	}
	return &store{Store: s, c: c, prefix: prefix}
}

// HitRateLimit counts one hit of key in the window starting at
// windowStart in one round trip (the script is sent by hash; the first
// hit after the server restarts sends it whole), and returns the window's count
// including it. The counter's key is the prefix, key, ":" and the window
// start in unix milliseconds; the start is all digits, so no two (key,
// window) pairs share a counter. Redis deletes it at expires, or at a
// later expiry another hit of the same window gave.
func (s *store) HitRateLimit(ctx context.Context, key string, windowStart, expires time.Time) (int, error) {
	if windowStart.IsZero() || expires.IsZero() {
		return 0, errors.New("redislimit: hit rate limit: zero window start or expiry")
	}
	k := s.prefix + key + ":" + strconv.FormatInt(windowStart.UnixMilli(), 10)
	n, err := s.c.hit.Run(ctx, s.c.rdb, []string{k}, expires.UnixMilli()).Int64()
	if err != nil {
		return 0, s.c.fail(ctx, "hit rate limit", err)
	}
	return int(n), nil
}

// PruneRateLimits does nothing and returns 0: Redis deletes each counter
// when it expires.
func (s *store) PruneRateLimits(context.Context, time.Time) (int, error) {
	return 0, nil
}
