package main

import (
	"context"
	"fmt"
	"io"
	"time"
)

// Timing of the harness itself.
const (
	healthTimeout = 30 * time.Second
	stopGrace     = 15 * time.Second // above the server's default shutdown timeout
	sampleEvery   = 250 * time.Millisecond
	// openLoopDrain is how long a backlog of due requests may still be
	// sent after a schedule ends.
	openLoopDrain = 5 * time.Second
)

// harness is what a scenario gets: the running program, a client for
// setup requests, the memory sampler, the dataset's users and the
// options.
type harness struct {
	opts    options
	proc    *process // what is measured: CPU, memory, address
	api     *api
	sampler *sampler
	numCPU  int
	log     io.Writer // progress lines
	pop     *population
	cost    *hashCost
	workers int      // the server's hashing pool
	passed  []string // server settings beyond the bench's, for reports
	prof    *profiler
	// bareAPI is a client of the bare handler kept running beside the
	// standard dataset's server, for paired measurements (paired.go);
	// nil when the run has no bare scenario.
	bareAPI *api
	// twin is the standard dataset's harness, its server still up, when
	// this one runs the large dataset: login, refresh and read then take
	// turns with the same loads on it (paired.go).
	twin *harness
	// scenario labels memory samples and names profiles; fileSuffix
	// tells the large dataset's report files apart.
	scenario, fileSuffix string
}

// progressf prints one progress line (to stderr, so stdout carries only
// the results tables).
func (h *harness) progressf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

// newAPIFor returns a client for the program under test with its own
// pool of conns connections.
func (h *harness) newAPIFor(conns int) *api { return newAPI(h.proc.baseURL(), conns) }

// runPhase runs one measured phase: it labels the memory samples, meters
// CPU, and collects the streams fn returns.
func (h *harness) runPhase(name, about string, fn func() []streamResult) phase {
	h.progressf("%s phase %s: %s", h.scenario, name, about)
	label := h.scenario + "/" + name
	h.sampler.setPhase(label)
	cpu := startCPU(h.proc.pid())
	start := time.Now()
	streams := fn()
	p := phase{Name: name, About: about, ElapsedSec: time.Since(start).Seconds(), Streams: streams}
	p.ServerCPUPct, p.BenchCPUPct = cpu.stop()
	p.MaxRSSKB = h.sampler.maxRSSKB(label)
	h.sampler.setPhase("between")
	return p
}

// maxThenPaced measures one load twice, as every scenario but the flood
// does: a closed loop of -concurrency workers for the most the server
// gives (throughput), then an open loop at -paced-share of that rate over
// as many connections for latency free of coordinated omission. With
// warm, an unmeasured closed loop runs first. The phases and the
// headline go into rep.
func (h *harness) maxThenPaced(ctx context.Context, rep *report, stream string, send mixedRequest, warm bool) error {
	o := h.opts
	if warm && o.warmup > 0 {
		h.progressf("%s warm-up: %s of %s", h.scenario, o.warmup, stream)
		h.sampler.setPhase(h.scenario + "/warmup")
		closedLoopMixed(ctx, stream, o.concurrency, o.warmup, send)
	}
	closed := h.runPhase("max", fmt.Sprintf("%s, closed loop", stream), func() []streamResult {
		defer h.prof.capture(ctx, h, o.duration)()
		return []streamResult{closedLoopMixed(ctx, stream, o.concurrency, o.duration, send)}
	})
	rep.Phases = append(rep.Phases, closed)
	if err := ctx.Err(); err != nil {
		return err
	}
	t := closed.Streams[0].Throughput
	if t == 0 {
		return fmt.Errorf("%s: no successful request in the closed loop (%s)", stream, outcomeList(closed.Streams[0].Outcomes))
	}
	load := openLoad{rate: t * o.pacedShare, duration: o.duration, conns: o.concurrency, drain: openLoopDrain}
	paced := h.runPhase("paced", fmt.Sprintf("%s, open loop at %.0f/s", stream, load.rate), func() []streamResult {
		return []streamResult{openLoopMixed(ctx, stream, load, send)}
	})
	rep.Phases = append(rep.Phases, paced)
	rep.Key = keyFrom(closed, paced)
	return ctx.Err()
}
