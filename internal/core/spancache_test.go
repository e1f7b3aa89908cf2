package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// spanIDs lists the ids ListSessionSpans shows p of its own sessions.
func spanIDs(t *testing.T, e *env, p *core.Principal) map[string]core.SessionSpan {
	t.Helper()
	list, err := e.svc.ListSessionSpans(context.Background(), p, e.users, p.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]core.SessionSpan{}
	for _, sp := range list {
		out[sp.ID] = sp
	}
	return out
}

// With the session cache on, a user's session listing is reused, yet
// every change made on this node shows in the very next listing: a new
// login, a logout, a session whose expiry moved, a session run out.
func TestSessionSpanCacheFollowsThisNode(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) { s.SessionCacheTTL = time.Hour })
	ctx := context.Background()
	e.signUp(t, "sal@example.com", "correct horse")
	_, p1 := e.login(t, e.users, "sal@example.com", "correct horse")
	if got := spanIDs(t, e, p1); len(got) != 1 || got[p1.Session.ID].ID == "" {
		t.Fatalf("after one login: %v", got)
	}

	_, p2 := e.login(t, e.users, "sal@example.com", "correct horse")
	if got := spanIDs(t, e, p1); len(got) != 2 || got[p2.Session.ID].ID == "" {
		t.Fatalf("a second login is missing from the cached listing: %v", got)
	}

	if err := e.svc.Logout(ctx, p2, e.users); err != nil {
		t.Fatal(err)
	}
	if got := spanIDs(t, e, p1); len(got) != 1 || got[p2.Session.ID].ID != "" {
		t.Fatalf("a logged-out session is still listed: %v", got)
	}

	// A refresh past touchEvery moves the session's expiry.
	before := spanIDs(t, e, p1)[p1.Session.ID].Expires
	e.clock.Advance(2 * time.Minute)
	if _, err := e.svc.Refresh(ctx, p1, e.users); err != nil {
		t.Fatal(err)
	}
	if after := spanIDs(t, e, p1)[p1.Session.ID].Expires; !after.After(before) {
		t.Fatalf("the listing kept the old expiry %v after a touch (now %v)", before, after)
	}

	// A session that runs out leaves the cached listing without a write.
	sp := spanIDs(t, e, p1)[p1.Session.ID]
	e.clock.Advance(sp.Expires.Sub(e.clock.Now()) + time.Second)
	list, err := e.svc.ListSessionSpans(ctx, p1, e.users, p1.User.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 0 {
		t.Fatalf("an expired session is still listed: %v", list)
	}
}

// What another node writes (straight to the shared store) shows within
// the cache's TTL; before it, the cached listing is what is served,
// which is the point of the cache.
func TestSessionSpanCacheOtherNode(t *testing.T) {
	const ttl = 300 * time.Millisecond
	e := newEnvWith(t, func(s *core.Settings) { s.SessionCacheTTL = ttl })
	ctx := context.Background()
	e.signUp(t, "oli@example.com", "correct horse")
	_, p1 := e.login(t, e.users, "oli@example.com", "correct horse")
	_, p2 := e.login(t, e.users, "oli@example.com", "correct horse")
	if got := spanIDs(t, e, p1); len(got) != 2 {
		t.Fatalf("listing: %v", got)
	}
	if err := e.db.RevokeSession(ctx, p2.Session.ID, "other node", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	if got := spanIDs(t, e, p1); len(got) != 2 && time.Since(revoked) < ttl/2 {
		t.Fatalf("the listing was read again at once: the cache is not used (%v)", got)
	}
	for len(spanIDs(t, e, p1)) != 1 {
		if time.Since(revoked) > ttl+200*time.Millisecond {
			t.Fatalf("a session revoked elsewhere was still listed %s later (TTL %s)", time.Since(revoked), ttl)
		}
		time.Sleep(10 * time.Millisecond)
	}
}
