package postgres

import (
	"context"
	"errors"
	"time"
)

// HitRateLimit counts one hit of key in the window starting at
// windowStart and returns the window's count including it. It runs on
// every rate-limited request, so it is a single upsert: the increment and
// the read of the new count cannot be split by another hit, on this node
// or any other. A window's row lives until the latest expires it was
// given.
//
// Keys are stored as bytes: core builds them from NUL-separated parts and
// raw hashes, which PostgreSQL text cannot hold. They compare exactly.
func (q queries) HitRateLimit(ctx context.Context, key string, windowStart, expires time.Time) (int, error) {
	if windowStart.IsZero() || expires.IsZero() {
		return 0, errors.New("postgres: hit rate limit: zero window start or expiry")
	}
	return get(ctx, q, "hit rate limit", `INSERT INTO rate_limits AS r (key, window_start, count, expires)
		VALUES ($1, $2, 1, $3)
		ON CONFLICT (key, window_start) DO UPDATE
		SET count = r.count + 1, expires = GREATEST(r.expires, excluded.expires)
		RETURNING count`,
		[]any{[]byte(key), windowStart.UnixMilli(), expires.UnixMilli()}, scanInt)
}

// PruneRateLimits deletes counters that expired before `before`, and
// returns how many.
func (q queries) PruneRateLimits(ctx context.Context, before time.Time) (int, error) {
	return q.exec(ctx, "prune rate limits", `DELETE FROM rate_limits WHERE expires < $1`, before.UnixMilli())
}
