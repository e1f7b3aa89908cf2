package main

import "context"

// loadMaker builds a scenario's load for h's server and dataset, sent
// over a. The large dataset's paired rounds build the same load for the
// standard dataset's server with it (harness.twin).
type loadMaker func(h *harness, a *api) mixedRequest

// pairs says which paired rounds a scenario takes part in.
type pairs int

const (
	// pairWithBare pairs the scenario with the bare handler beside the
	// standard dataset's server, when the run has one: read and refresh,
	// whose targets are shares of the bare handler.
	pairWithBare pairs = 1 << iota
	// pairWithCeiling pairs the standard dataset's login with the hashing
	// ceiling: in-process verifies by as many goroutines as the machine
	// has CPUs (hashCost.ceilingTurn), one hash's rate x CPUs.
	pairWithCeiling
	// noTwin keeps a scenario out of the paired rounds with the standard
	// dataset's twin server: directus-refresh, whose chains on the twin
	// were rotated on by the twin's own run, so replaying them there
	// would be refused (and revoke their sessions) as token reuse. Its
	// PostgreSQL figures stand alone in the report.
	noTwin
)

// measure runs a scenario's load: maxThenPaced (warmed first), then its
// paired rounds: with the bare handler when asked for and the run has
// one, with the hashing ceiling when asked for on the standard dataset,
// and with the standard dataset's twin server when h runs the large one.
func (h *harness) measure(ctx context.Context, rep *report, stream string, mk loadMaker, with pairs) error {
	conns := h.opts.concurrency
	a := h.newAPIFor(conns)
	defer a.close()
	send := mk(h, a)
	if err := h.maxThenPaced(ctx, rep, stream, send, true); err != nil {
		return err
	}
	ours := closedTurn(stream, conns, send)
	if with&pairWithBare != 0 && h.bareAPI != nil {
		bare := single(func(ctx context.Context) (int, error) { return h.bareAPI.get(ctx, "/") })
		p, err := h.alternate(ctx, "the bare handler", ours, closedTurn("bare GETs", conns, bare), true)
		if err != nil {
			return err
		}
		rep.Paired = &p
	}
	if with&pairWithCeiling != 0 && h.twin == nil {
		ceiling, release, err := h.cost.ceilingTurn(h.numCPU)
		if err != nil {
			return err
		}
		defer release()
		p, err := h.alternate(ctx, "the hashing ceiling", ours, ceiling, false)
		if err != nil {
			return err
		}
		rep.Paired = &p
	}
	if h.twin != nil && with&noTwin == 0 {
		ta := h.twin.newAPIFor(conns)
		defer ta.close()
		std := h.twin.pop.label + " users"
		p, err := h.alternate(ctx, std, ours, closedTurn(stream+" with "+std, conns, mk(h.twin, ta)), true)
		if err != nil {
			return err
		}
		rep.Paired = &p
	}
	return nil
}
