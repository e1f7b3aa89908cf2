package main

import (
	"context"
	"net/http"
)

// runRead measures the authenticated record read: GET
// /api/collections/users/records/{id} with the user's own token (token
// check: signature, expiry, session still active; then one record
// lookup), cycling through the logged-in users.
func runRead(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "read"}
	return rep, h.measure(ctx, rep, "reads", readLoad, pairWithBare)
}

// readLoad reads the logged-in users' own records in turn.
func readLoad(h *harness, a *api) mixedRequest { return single(readOwn(a, h.pop.sample)) }

// runRefresh measures PocketBase's POST
// /api/collections/users/auth-refresh. Each client keeps its own token
// and sends the one the previous refresh returned, as the SDK's auth
// store does.
func runRefresh(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "refresh"}
	return rep, h.measure(ctx, rep, "refreshes", refreshLoad, pairWithBare)
}

// refreshLoad refreshes the logged-in users' tokens, each slot chaining
// its own.
func refreshLoad(h *harness, a *api) mixedRequest {
	pool := newSlotPool(userSlots(h.pop.sample))
	return single(func(ctx context.Context) (int, error) {
		s, err := pool.take(ctx)
		if err != nil {
			return 0, err
		}
		defer pool.put(s)
		return refreshSlot(ctx, a, s)
	})
}

// refreshSlot refreshes s's token and keeps the new one.
func refreshSlot(ctx context.Context, a *api, s *slot) (int, error) {
	status, token, err := a.authRefresh(ctx, s.u.token)
	if err == nil && status == http.StatusOK {
		if token == "" {
			return status, errNoSuccessor
		}
		s.u.token = token
	}
	return status, err
}
