package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"runtime"
	"slices"
)

// bench is one invocation: where it builds and writes, what it runs, and
// what it has measured so far.
type bench struct {
	opts     options
	root     string
	tmp      string
	addr     string
	bins     binaries
	machine  machine
	env      []string // the servers' environment
	passed   []string // settings in env beyond the bench's own, for reports
	cost     *hashCost
	out      string // -out
	stdout   io.Writer
	stderr   io.Writer
	results  *suite
	profiler *profiler
}

func (b *bench) progressf(format string, args ...any) {
	fmt.Fprintf(b.stderr, "bench: "+format+"\n", args...)
}

// runBench builds the programs, runs the bare handler, the standard
// dataset's scenarios and the large dataset's, then judges the targets
// and writes the summary and the charts. The servers are stopped and the
// temporary directory removed (unless -keep) whatever happens.
func runBench(ctx context.Context, o options, stdout, stderr io.Writer) (res *suite, err error) {
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
			fmt.Fprintf(stderr, "bench: kept %s (binaries, data dirs, server logs)\n", tmp)
			return
		}
		if rmErr := os.RemoveAll(tmp); rmErr != nil && err == nil {
			err = rmErr
		}
	}()
	b := &bench{opts: o, root: root, tmp: tmp, addr: addr, stdout: stdout, stderr: stderr, out: o.outDir}
	if b.out == "" {
		b.out = filepath.Join(root, "bench", "out")
	}
	b.env, b.passed = serverEnv(os.Environ(), o.serverEnv)
	b.machine = describeMachine(ctx, root)
	b.results = newSuite(b.machine, o, b.passed)
	if o.pprof {
		b.profiler = &profiler{dir: filepath.Join(b.out, "profiles")}
	}
	b.progressf("building ./cmd/gatehouse and ./bench/bareserver")
	if b.bins, err = buildBinaries(ctx, root, tmp, o.pprof); err != nil {
		return nil, err
	}
	if err := b.runAll(ctx); err != nil {
		return nil, err
	}
	b.results.judge()
	return b.results, b.writeSuite()
}

// runAll runs the scenarios in order, grouped by the program they need.
func (b *bench) runAll(ctx context.Context) error {
	o := b.opts
	var standard []string
	for _, n := range o.scenarios {
		if n != "bare" && n != scaleScenario && n != postgresScenario {
			standard = append(standard, n)
		}
	}
	if slices.Contains(o.scenarios, "bare") {
		if err := b.runBareServer(ctx); err != nil {
			return err
		}
	}
	if len(standard) > 0 {
		bcrypt := 0
		if slices.Contains(standard, "login-bcrypt") {
			if err := b.measureCost(ctx); err != nil {
				return err
			}
			bcrypt = o.bcryptUsers
			if bcrypt == 0 {
				bcrypt = bcryptUsersFor(o, b.cost.ConfigWorkers, b.cost.BcryptVerifyMs)
			}
		}
		bareAPI, stopPaired, err := b.startPairedBare(ctx, standard)
		if err != nil {
			return err
		}
		d := datasetRun{users: o.seedUsers, bcrypt: bcrypt, names: standard, addr: b.addr, bareAPI: bareAPI}
		big := slices.Contains(o.scenarios, scaleScenario) && o.bigUsers > 0
		pg := slices.Contains(o.scenarios, postgresScenario)
		if big || pg {
			// The large dataset and PostgreSQL run while the standard
			// dataset's server is still up, so each of their scenarios
			// can take turns with the same load there (paired.go).
			d.then = func(std *harness) error {
				if big {
					addr, err := claimAddr("127.0.0.1:0")
					if err != nil {
						return err
					}
					if err := b.runDataset(ctx, datasetRun{users: o.bigUsers, suffix: "-" + countLabel(o.bigUsers),
						names: scaleRuns, addr: addr, twin: std}); err != nil {
						return err
					}
				}
				if pg {
					return b.runPostgres(ctx, std)
				}
				return nil
			}
		}
		err = b.runDataset(ctx, d)
		if stopErr := stopPaired(); err == nil {
			err = stopErr
		}
		return err
	}
	return nil
}

// measureCost times the password hashes once per run, in the bench's
// own process while no server is busy.
func (b *bench) measureCost(ctx context.Context) error {
	if b.cost != nil {
		return nil
	}
	b.progressf("timing %d argon2id and bcrypt-10 verifies in-process (server parameters)", b.opts.hashSamples)
	c, err := measureHashCost(ctx, b.env, b.opts.hashSamples)
	if err != nil {
		return err
	}
	b.cost = &c
	b.results.Hash = &c
	b.progressf("hash cost: %s verify %.1f ms, bcrypt-10 verify %.1f ms (medians)", c.Params, c.ArgonVerifyMs, c.BcryptVerifyMs)
	return nil
}

// runBareServer starts bench/bareserver like the server and measures it.
func (b *bench) runBareServer(ctx context.Context) error {
	if _, err := claimAddr(b.addr); err != nil {
		return err
	}
	p, err := b.bareProcess(b.addr, "bare")
	if err != nil {
		return err
	}
	b.progressf("starting the bare handler on %s", b.addr)
	h := &harness{opts: b.opts, proc: p, numCPU: runtime.NumCPU(), log: b.stderr, passed: b.passed, scenario: "bare"}
	return b.serve(ctx, h, func(h *harness) error { return b.runScenarios(ctx, h, []string{"bare"}) })
}

// serve starts h.proc, samples its memory while fn runs, and stops it.
func (b *bench) serve(ctx context.Context, h *harness, fn func(*harness) error) (err error) {
	if err := h.proc.start(); err != nil {
		return err
	}
	defer func() {
		if stopErr := h.proc.stop(stopGrace); stopErr != nil && err == nil {
			err = stopErr
		}
	}()
	if err := h.proc.waitHealthy(ctx, healthTimeout); err != nil {
		return err
	}
	h.sampler = newSampler(h.proc.pid(), sampleEvery)
	sctx, stopSampling := context.WithCancel(ctx)
	sampling := make(chan struct{})
	go func() { h.sampler.run(sctx); close(sampling) }()
	defer func() { stopSampling(); <-sampling }()
	h.api = h.newAPIFor(64)
	defer h.api.close()
	return fn(h)
}

// runScenarios runs the named scenarios one after another on h's
// program, writing each one's report as it finishes.
func (b *bench) runScenarios(ctx context.Context, h *harness, names []string) error {
	for _, name := range names {
		h.scenario = name
		peakNote := ""
		if err := resetTreePeak(h.proc.pid()); err != nil {
			peakNote = fmt.Sprintf("VmHWM could not be reset (%v): the peak may predate this scenario", err)
		}
		rep, err := scenarios()[name].run(ctx, h)
		if err != nil {
			if ctx.Err() != nil {
				return err
			}
			return fmt.Errorf("%s: %w\nlast lines of the %s log:\n%s", name, err, h.proc.name, h.proc.logTail(1500))
		}
		if peakNote != "" {
			rep.Notes = append(rep.Notes, peakNote)
		}
		applyPeakLimit(rep, h)
		peak, _ := treeStatusKB(h.proc.pid(), "VmHWM")
		rep.finish(b.machine, h, peak)
		if err := writeReport(rep, b.out, b.stdout, b.stderr); err != nil {
			return err
		}
		b.results.add(rep)
	}
	return nil
}

// bareProcess prepares (but does not start) bench/bareserver on addr,
// logging into the temporary directory's dir.
func (b *bench) bareProcess(addr, dir string) (*process, error) {
	dir = filepath.Join(b.tmp, dir)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	return &process{name: "bareserver", bin: b.bins.bare, args: []string{"--http", addr},
		env: b.env, addr: addr, logPath: filepath.Join(dir, "bareserver.log")}, nil
}

// pairsWithBare are the scenarios whose targets are shares of the bare
// handler's throughput.
var pairsWithBare = map[string]bool{"read": true, "refresh": true, "directus-refresh": true,
	"payload-me": true, "payload-refresh": true, "conduit-renew": true}

// startPairedBare starts a second bare handler, beside the standard
// dataset's server, when the run judges a share of the bare handler
// (paired.go): the bare scenario is selected along with one of
// pairsWithBare.
// It returns a client of it (nil when there is none) and a function that
// stops it.
func (b *bench) startPairedBare(ctx context.Context, standard []string) (a *api, stop func() error, err error) {
	none := func() error { return nil }
	if !slices.Contains(b.opts.scenarios, "bare") ||
		!slices.ContainsFunc(standard, func(n string) bool { return pairsWithBare[n] }) {
		return nil, none, nil
	}
	addr, err := claimAddr("127.0.0.1:0")
	if err != nil {
		return nil, none, err
	}
	p, err := b.bareProcess(addr, "bare-paired")
	if err != nil {
		return nil, none, err
	}
	b.progressf("starting a bare handler on %s beside the server, for paired rounds", addr)
	if err := p.start(); err != nil {
		return nil, none, err
	}
	if err := p.waitHealthy(ctx, healthTimeout); err != nil {
		_ = p.stop(stopGrace)
		return nil, none, err
	}
	a = newAPI(p.baseURL(), b.opts.concurrency)
	return a, func() error {
		a.close()
		return p.stop(stopGrace)
	}, nil
}
