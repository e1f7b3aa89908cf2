package sqlite

import (
	"context"
	"errors"
	"time"
)

// HitRateLimit counts one hit of key in the window starting at
// windowStart and returns the window's count including it. It runs on
// every rate-limited request, so it is a single upsert on the writer:
// the increment and the read of the new count cannot be split by another
// hit. A window's row lives until the latest expires it was given.
func (q queries) HitRateLimit(ctx context.Context, key string, windowStart, expires time.Time) (int, error) {
	if windowStart.IsZero() || expires.IsZero() {
		return 0, errors.New("sqlite: hit rate limit: zero window start or expiry")
	}
	var n int
	err := q.write.QueryRowContext(ctx, `INSERT INTO rate_limits (key, window_start, count, expires)
		VALUES (?, ?, 1, ?)
		ON CONFLICT (key, window_start) DO UPDATE
		SET count = count + 1, expires = max(expires, excluded.expires)
		RETURNING count`,
		key, windowStart.UnixMilli(), expires.UnixMilli()).Scan(&n)
	return n, wrap("hit rate limit", err)
}

// PruneRateLimits deletes counters that expired before `before`, and
// returns how many.
func (q queries) PruneRateLimits(ctx context.Context, before time.Time) (int, error) {
	res, err := q.write.ExecContext(ctx,
		`DELETE FROM rate_limits WHERE expires < ?`, before.UnixMilli())
	return affected("prune rate limits", res, err)
}
