package main

import "context"

// runBare measures bench/bareserver: a bare net/http handler returning a
// fixed JSON body, run as its own process with Gatehouse's HTTP settings
// and driven exactly like the Gatehouse scenarios. It is the ceiling of
// what the HTTP stack and this load generator can do on this machine.
func runBare(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "bare"}
	a := h.newAPIFor(h.opts.concurrency)
	defer a.close()
	send := func(ctx context.Context) (int, error) { return a.get(ctx, "/") }
	return rep, h.maxThenPaced(ctx, rep, "bare GETs", single(send), true)
}
