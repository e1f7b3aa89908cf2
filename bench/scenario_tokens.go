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
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	send := single(readOwn(a, h.pop.sample))
	if err := h.maxThenPaced(ctx, rep, "reads", send, true); err != nil {
		return rep, err
	}
	return rep, h.pairWithBare(ctx, rep, "reads", send)
}

// runRefresh measures PocketBase's POST
// /api/collections/users/auth-refresh. Each client keeps its own token
// and sends the one the previous refresh returned, as the SDK's auth
// store does.
func runRefresh(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "refresh"}
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	pool := newSlotPool(userSlots(h.pop.sample))
	send := func(ctx context.Context) (int, error) {
		s, err := pool.take(ctx)
		if err != nil {
			return 0, err
		}
		defer pool.put(s)
		return refreshSlot(ctx, a, s)
	}
	if err := h.maxThenPaced(ctx, rep, "refreshes", single(send), true); err != nil {
		return rep, err
	}
	return rep, h.pairWithBare(ctx, rep, "refreshes", single(send))
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
