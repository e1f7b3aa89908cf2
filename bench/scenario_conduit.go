package main

import (
	"context"
)

// runConduitRenew measures POST /conduit/authentication/renew: Conduit's
// renew, which rotates the refresh token on every call (the old pair
// dead, through core's reuse detection). Each client keeps its own chain,
// sending the refresh token the previous answer returned, so every
// request rotates a token exactly once. The chains start with a login
// through POST /conduit/authentication/local per sample user. When the
// Conduit surface is not mounted (the login answers 404), the scenario
// is skipped with a note. A Conduit login ends only the user's other
// sessions of the same Conduit client (one per user by default), so the
// tokens the other scenarios hold stay good. Its target is every rotating refresh's
// (directus-refresh's): a share of the bare handler, paired.
func runConduitRenew(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "conduit-renew"}
	h.progressf("conduit-renew: logging %d users in through %s/local", len(h.pop.sample), conduitBase)
	slots, err := surfaceLogins(ctx, h, "conduit", (*api).conduitLogin)
	if err != nil {
		return rep, err
	}
	if slots == nil {
		rep.Skipped = "Conduit surface not mounted: POST " + conduitBase + "/local answered 404"
		h.progressf("conduit-renew: skipped (%s)", rep.Skipped)
		return rep, nil
	}
	return rep, h.measure(ctx, rep, "conduit renews", rotatingChains(slots, (*api).conduitRenew), pairWithBare|noTwin)
}
