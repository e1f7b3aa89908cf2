package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
)

// runDirectusRefresh measures POST /directus/auth/refresh in json mode
// with rotation: each client keeps its own chain, sending the refresh
// token the previous answer returned, so every request rotates a token
// exactly once (no reuse, which would revoke the session). The chains
// start with a login through POST /directus/auth/login per sample user.
// When the Directus surface is not mounted (the login answers 404), the
// scenario is skipped with a note.
func runDirectusRefresh(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "directus-refresh"}
	slots, err := directusChains(ctx, h)
	if err != nil {
		return rep, err
	}
	if slots == nil {
		rep.Skipped = "Directus surface not mounted: POST /directus/auth/login answered 404"
		h.progressf("directus-refresh: skipped (%s)", rep.Skipped)
		return rep, nil
	}
	// Paired with the bare handler like read and refresh (measure.go):
	// the rotating refresh's target is a share of it. The chains are
	// the paired rounds' too, so no token is presented twice.
	return rep, h.measure(ctx, rep, "directus refreshes", rotatingChains(slots, (*api).directusRefresh), pairWithBare|noTwin)
}

// rotatingChains is the load of a rotating refresh: each request takes a
// slot, presents its refresh token through rotate and keeps the token the
// answer returned, so every token is presented exactly once (a second
// presentation would be a replay and end the session).
func rotatingChains(slots []*slot, rotate func(*api, context.Context, string) (int, string, error)) func(*harness, *api) mixedRequest {
	pool := newSlotPool(slots)
	return func(_ *harness, a *api) mixedRequest {
		return single(func(ctx context.Context) (int, error) {
			s, err := pool.take(ctx)
			if err != nil {
				return 0, err
			}
			defer pool.put(s)
			status, next, err := rotate(a, ctx, s.refresh)
			if err == nil && status == http.StatusOK {
				s.refresh = next
			}
			return status, err
		})
	}
}

// directusChains logs every sample user in through the Directus surface
// and returns one slot per user holding its refresh token; nil slots
// mean the surface is not mounted. Directus pads each login to its stall
// time (500 ms by default), so the logins run many at a time
// (surfaceLoginConns).
func directusChains(ctx context.Context, h *harness) ([]*slot, error) {
	h.progressf("directus-refresh: logging %d users in through /directus/auth/login", len(h.pop.sample))
	return surfaceLogins(ctx, h, "directus", (*api).directusLogin)
}

// surfaceLoginConns is how many logins through a compatible surface the
// setup runs at once: enough to keep the hashing pool busy through the
// surface's login stall, few enough that none waits in its queue long
// enough to be turned away.
const surfaceLoginConns = 32

// surfaceLogins logs every sample user in with login and returns one
// slot per user holding what the login returned (slot.refresh); nil
// slots mean the surface is not mounted (its first login answered 404).
func surfaceLogins(ctx context.Context, h *harness, name string,
	login func(a *api, ctx context.Context, email, password string) (int, string, error)) ([]*slot, error) {
	a := h.newAPIFor(surfaceLoginConns)
	defer a.close()
	first := h.pop.sample[0]
	status, tok, err := login(a, ctx, first.email, first.password)
	if err != nil {
		return nil, fmt.Errorf("%s login: %w", name, err)
	}
	if status == http.StatusNotFound {
		return nil, nil
	}
	if status != http.StatusOK || tok == "" {
		return nil, fmt.Errorf("%s login %s: status %d", name, first.email, status)
	}
	slots := userSlots(h.pop.sample)
	slots[0].refresh = tok
	errs := make(chan error, len(slots))
	sem := make(chan struct{}, surfaceLoginConns)
	var wg sync.WaitGroup
	for _, s := range slots[1:] {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			var tok string
			status, err := whileBusy(ctx, func() (status int, err error) {
				status, tok, err = login(a, ctx, s.u.email, s.u.password)
				return status, err
			})
			if err != nil || status != http.StatusOK || tok == "" {
				errs <- fmt.Errorf("%s login %s: status %d: %v", name, s.u.email, status, err)
				return
			}
			s.refresh = tok
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	return slots, nil
}
