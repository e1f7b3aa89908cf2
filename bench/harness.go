package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"time"
)

// Timing of the harness itself.
const (
	healthTimeout = 30 * time.Second
	stopGrace     = 15 * time.Second // above the server's default shutdown timeout
	sampleEvery   = 250 * time.Millisecond
)

// harness is what a scenario gets: the running server, a client for
// setup requests, the memory sampler and the options.
type harness struct {
	opts    options
	srv     *server
	api     *api
	sampler *sampler
	numCPU  int
	log     io.Writer // progress lines
}

// progressf prints one progress line (to stderr, so stdout carries only
// the results table).
func (h *harness) progressf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

// runPhase runs one measured phase: it labels the memory samples, meters
// CPU, and collects the streams fn returns.
func (h *harness) runPhase(name, about string, fn func() []streamResult) phase {
	h.progressf("phase %s: %s", name, about)
	h.sampler.setPhase(name)
	cpu := startCPU(h.srv.pid())
	start := time.Now()
	streams := fn()
	p := phase{Name: name, About: about, ElapsedSec: time.Since(start).Seconds(), Streams: streams}
	p.ServerCPUPct, p.BenchCPUPct = cpu.stop()
	p.MaxRSSKB = h.sampler.maxRSSKB(name)
	h.sampler.setPhase("between")
	return p
}

// runScenario builds and starts a fresh server, runs the chosen scenario,
// prints and writes the report, and always stops the server.
func runScenario(ctx context.Context, o options, stdout, stderr io.Writer) (rep *report, err error) {
	root, err := moduleRoot(ctx)
	if err != nil {
		return nil, err
	}
	addr, err := claimAddr(o.addr)
	if err != nil {
		return nil, err
	}
	tmp, err := os.MkdirTemp("", "gatehouse-bench-")
	if err != nil {
		return nil, err
	}
	defer func() {
		if o.keep {
			fmt.Fprintf(stderr, "bench: kept %s (binary, data/, server.log)\n", tmp)
			return
		}
		if rmErr := os.RemoveAll(tmp); rmErr != nil && err == nil {
			err = rmErr
		}
	}()

	h := &harness{opts: o, numCPU: runtime.NumCPU(), log: stderr}
	srv := newServer(root, tmp, addr, os.Environ(), o.serverEnv)
	h.srv = srv
	h.progressf("building ./cmd/gatehouse")
	if err := srv.build(ctx); err != nil {
		return nil, err
	}
	if err := srv.upsertSuperuser(ctx, "bench-admin@bench.local", rand.Text()); err != nil {
		return nil, err
	}
	h.progressf("starting server on %s (data in %s)", addr, srv.dataDir)
	if err := srv.start(); err != nil {
		return nil, err
	}
	defer func() {
		if stopErr := srv.stop(stopGrace); stopErr != nil && err == nil {
			err = stopErr
		}
	}()
	if err := srv.waitHealthy(ctx, healthTimeout); err != nil {
		return nil, err
	}

	h.sampler = newSampler(srv.pid(), sampleEvery)
	sctx, stopSampling := context.WithCancel(ctx)
	sampling := make(chan struct{})
	go func() { h.sampler.run(sctx); close(sampling) }()
	defer func() { stopSampling(); <-sampling }()
	h.api = newAPI(srv.baseURL(), 64)
	defer h.api.close()

	rep, err = scenarios()[o.scenario].run(ctx, h)
	if err != nil && ctx.Err() == nil {
		return nil, fmt.Errorf("%s: %w\nlast lines of the server log:\n%s", o.scenario, err, srv.logTail(1500))
	}
	if err != nil {
		return nil, err
	}
	// VmHWM is the kernel's own peak: it catches a spike between samples.
	peak, _ := procStatusKB(srv.pid(), "VmHWM")
	rep.finish(describeMachine(ctx, root), h, peak)
	return rep, writeReport(rep, o, root, stdout, stderr)
}

// outDir is where reports go: -out, or bench/out in the module.
func outDir(o options, root string) string {
	if o.outDir != "" {
		return o.outDir
	}
	return filepath.Join(root, "bench", "out")
}
