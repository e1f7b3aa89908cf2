package main

import (
	"context"
	"net/http"
	"sync/atomic"
)

// runPayloadMe measures the Payload surface's GET /payload/api/users/me
// with each user's own token: the token check (signature, expiry, session
// alive) and the user document with its sessions, the call a Payload app
// makes to know who is logged in. Skipped with a note when the surface is
// not mounted.
func runPayloadMe(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "payload-me"}
	slots, err := payloadSlots(ctx, h, rep)
	if err != nil || slots == nil {
		return rep, err
	}
	load := func(_ *harness, a *api) mixedRequest {
		var n atomic.Uint64
		return single(func(ctx context.Context) (int, error) {
			s := slots[(n.Add(1)-1)%uint64(len(slots))]
			return a.payloadMe(ctx, s.refresh)
		})
	}
	return rep, h.measure(ctx, rep, "payload me", load, pairWithBare|noTwin)
}

// runPayloadRefresh measures POST /payload/api/users/refresh-token:
// Payload's sliding refresh, a new token for the same session from a
// valid one. Each client chains the token the previous answer returned.
func runPayloadRefresh(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "payload-refresh"}
	slots, err := payloadSlots(ctx, h, rep)
	if err != nil || slots == nil {
		return rep, err
	}
	pool := newSlotPool(slots)
	load := func(_ *harness, a *api) mixedRequest {
		return single(func(ctx context.Context) (int, error) {
			s, err := pool.take(ctx)
			if err != nil {
				return 0, err
			}
			defer pool.put(s)
			status, next, err := a.payloadRefresh(ctx, s.refresh)
			if err == nil && status == http.StatusOK {
				s.refresh = next
			}
			return status, err
		})
	}
	return rep, h.measure(ctx, rep, "payload refreshes", load, pairWithBare|noTwin)
}

// payloadSlots logs every sample user in through the Payload surface and
// returns one slot per user holding its token (in slot.refresh); nil
// slots, with rep marked skipped, mean the surface is not mounted.
func payloadSlots(ctx context.Context, h *harness, rep *report) ([]*slot, error) {
	h.progressf("%s: logging %d users in through %s/login", rep.Scenario, len(h.pop.sample), payloadBase)
	slots, err := surfaceLogins(ctx, h, "payload", (*api).payloadLogin)
	if err == nil && slots == nil {
		rep.Skipped = "Payload surface not mounted: POST " + payloadBase + "/login answered 404"
		h.progressf("%s: skipped (%s)", rep.Scenario, rep.Skipped)
	}
	return slots, err
}
