package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"
)

// limit counts one request of action against its per-IP limit (the
// client's IP from ctx) and its per-identity limit (identity: an email,
// a user or a session; "" skips it). It returns a rate-limited error with
// the time until the window resets once a limit is exceeded. Counters
// live in the store, so every node sharing it enforces the same limit.
func (s *Service) limit(ctx context.Context, action Action, identity string) error {
	rl, ok := s.settings.RateLimits[action]
	if !ok {
		return nil
	}
	if ip := ClientFrom(ctx).IP; ip != "" {
		if err := s.hit(ctx, action, "ip", ip, rl.PerIP); err != nil {
			return err
		}
	}
	if identity != "" {
		// Identities are hashed: counters need no readable emails.
		sum := sha256.Sum256([]byte(identity))
		return s.hit(ctx, action, "id", hex.EncodeToString(sum[:16]), rl.PerIdentity)
	}
	return nil
}

func (s *Service) hit(ctx context.Context, action Action, scope, who string, l Limit) error {
	if l.Max <= 0 || l.Window <= 0 {
		return nil
	}
	now := s.Now()
	start := now.Truncate(l.Window)
	end := start.Add(l.Window)
	key := fmt.Sprintf("%s:%s:%d:%s", action, scope, l.Window/time.Second, who)
	n, err := s.store.HitRateLimit(ctx, key, start, end)
	if err != nil {
		return Internal(err)
	}
	if n <= l.Max {
		return nil
	}
	s.metrics.RateLimited(action)
	return &Error{Kind: KindRateLimited, Code: CodeRateLimited,
		RetryAfter: max(time.Second, end.Sub(now))}
}

// Housekeep deletes what no longer matters: expired rate-limit counters,
// sessions that ended more than a week ago, one-time tokens, codes and MFA
// challenges a day past their time. The server runs it periodically; it is safe to run from
// several nodes at once.
func (s *Service) Housekeep(ctx context.Context) error {
	now := s.Now()
	if _, err := s.store.PruneRateLimits(ctx, now); err != nil {
		return Internal(err)
	}
	if _, err := s.store.PruneSessions(ctx, now.Add(-7*24*time.Hour)); err != nil {
		return Internal(err)
	}
	if _, err := s.store.PruneOneTimeTokens(ctx, now.Add(-24*time.Hour)); err != nil {
		return Internal(err)
	}
	// MFA challenges live minutes; a day is far past any collection's
	// MFA duration. Expired OTPs go too.
	if _, err := s.store.PruneFactors(ctx, now.Add(-24*time.Hour)); err != nil {
		return Internal(err)
	}
	return nil
}
