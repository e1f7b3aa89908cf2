package main

import (
	"context"
	"sync/atomic"
)

// The mixed load's shares, in requests per hundred.
const (
	mixReads     = 90
	mixRefreshes = 9 // the remaining 1 is a password login
)

// mixKind says what the i-th request of the mixed load is: out of every
// hundred, 90 token-authenticated reads, 9 auth-refreshes and 1 password
// login, interleaved rather than in runs.
func mixKind(i uint64) string {
	// 37 is coprime with 100, so i x 37 mod 100 visits every residue once
	// per hundred requests in a scattered order.
	switch r := i * 37 % 100; {
	case r < mixReads:
		return "read"
	case r < mixReads+mixRefreshes:
		return "refresh"
	}
	return "login"
}

// runMixed measures a load mixed as an app's traffic is: 90% reads of
// the user's own record with its token, 9% auth-refresh (keeping the new
// token), 1% password login (whose token then replaces the old one, as
// a user signing in again on the same client). Each client is one logged-
// in user at a time, so a refresh never races a read of the same token.
func runMixed(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "mixed"}
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	pool := newSlotPool(userSlots(h.pop.sample))
	var n atomic.Uint64
	send := func(ctx context.Context) (string, int, error) {
		kind := mixKind(n.Add(1) - 1)
		s, err := pool.take(ctx)
		if err != nil {
			return kind, 0, err
		}
		defer pool.put(s)
		switch kind {
		case "read":
			status, err := a.readOwnRecord(ctx, s.u)
			return kind, status, err
		case "refresh":
			status, err := refreshSlot(ctx, a, s)
			return kind, status, err
		}
		status, token, err := a.login(ctx, s.u.email, s.u.password)
		if err == nil && status == 200 && token != "" {
			s.u.token = token
		}
		return kind, status, err
	}
	return rep, h.maxThenPaced(ctx, rep, "mixed", send, true)
}
