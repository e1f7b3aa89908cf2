package main

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"time"
)

// The login flood's targets, checked in the same run: issue 8's, as
// issue 16 raised them (reads keep 50 -> 80%, p99 50 -> 15 ms, memory
// 200 -> 100 MB, the limit every scenario's peak now has).
const (
	floodMinReadShare = 80.0             // % of unloaded read throughput kept during the flood
	floodMaxReadP99Ms = 15.0             // read p99 during the flood
	floodMaxRSSMB     = scenarioMaxRSSMB // server resident memory
	// floodPacedShare is the open-loop read rate of the paced phases, as
	// a share of the unloaded closed-loop throughput: half, as issue 8
	// measured the flood's latency. The throughput share is judged by
	// the paired closed loops; the p99 asks how a moderately loaded
	// server answers beside the flood (at 80% of its ceiling, on two
	// cores that the load generator shares, it would measure the
	// generator's queueing as much as the server).
	floodPacedShare = 50.0
	// pacedMaxFailures is the share of paced reads that may go unanswered
	// (or answer non-200) for their p99 to mean anything.
	pacedMaxFailures = 0.01
)

// validFloodLogins reports whether s names a kind of flood credentials.
func validFloodLogins(s string) bool {
	return s == "valid" || s == "wrong" || s == "unknown"
}

// runLoginFlood measures authenticated reads alone, the hashing ceiling,
// then the same reads beside a password-login flood at a multiple of
// that ceiling. Each read load runs twice: closed-loop for the most
// throughput the server gives, and open-loop at a fixed rate for
// latency free of coordinated omission.
func runLoginFlood(ctx context.Context, h *harness) (*report, error) {
	o := h.opts
	workers := h.workers
	rep := &report{
		Scenario:   "loginflood",
		memLimitMB: floodMaxRSSMB,
		Settings:   settings{FloodFactor: o.floodFactor, FloodLogins: o.floodLogins},
	}
	users := h.pop.sample
	readAPI := h.newAPIFor(o.concurrency)
	defer readAPI.close()
	floodAPI := h.newAPIFor(o.floodConns)
	defer floodAPI.close()
	reads := readOwn(readAPI, users)

	if o.warmup > 0 {
		h.progressf("loginflood warm-up: %s of reads", o.warmup)
		h.sampler.setPhase(h.scenario + "/warmup")
		closedLoop(ctx, "reads", o.concurrency, o.warmup, reads)
	}
	base := h.runPhase("baseline", "authenticated reads alone, closed loop", func() []streamResult {
		return []streamResult{closedLoop(ctx, "reads", o.concurrency, o.duration, reads)}
	})
	rep.Phases = append(rep.Phases, base)
	t0 := base.Streams[0].Throughput
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if t0 == 0 {
		return nil, fmt.Errorf("baseline reads: no successful read (%s)", outcomeList(base.Streams[0].Outcomes))
	}
	readRate := o.readRate
	if readRate == 0 {
		readRate = t0 * floodPacedShare / 100
	}
	rep.Settings.ReadRate = readRate
	// Paced reads use as many connections as the closed loop, as wrk2
	// would with the same -c: the same clients, now sending on a schedule.
	pacedReads := openLoad{rate: readRate, duration: o.duration, conns: o.concurrency, drain: openLoopDrain}
	rep.Phases = append(rep.Phases, h.runPhase("baseline-paced",
		fmt.Sprintf("authenticated reads alone, open loop at %.0f/s", readRate), func() []streamResult {
			return []streamResult{openLoop(ctx, "reads", pacedReads, reads)}
		}))

	h.sampler.setPhase(h.scenario + "/ceiling")
	c, err := measureCeiling(ctx, h.api, users, o.loginSamples, workers)
	if err != nil {
		return nil, err
	}
	c.FloodRate = c.LoginsPerSec * o.floodFactor
	rep.Ceiling = &c
	h.progressf("ceiling: %.1f ms per login x %d workers = %.0f logins/s; flooding at %.0f/s",
		c.MedianLoginMs, workers, c.LoginsPerSec, c.FloodRate)
	logins := floodLogins(floodAPI, users, o.floodLogins)
	flooding := openLoad{rate: c.FloodRate, duration: o.duration, conns: o.floodConns, drain: openLoopDrain}

	flood := h.runPhase("flood", fmt.Sprintf("closed-loop reads beside %.0f logins/s", c.FloodRate), func() []streamResult {
		defer h.prof.capture(ctx, h, o.duration)()
		return beside(
			func() streamResult { return closedLoop(ctx, "reads", o.concurrency, o.duration, reads) },
			func() streamResult { return openLoop(ctx, "logins", flooding, logins) })
	})
	rep.Phases = append(rep.Phases, flood)
	floodPaced := h.runPhase("flood-paced", fmt.Sprintf("reads at %.0f/s beside %.0f logins/s", readRate, c.FloodRate), func() []streamResult {
		return beside(
			func() streamResult { return openLoop(ctx, "reads", pacedReads, reads) },
			func() streamResult { return openLoop(ctx, "logins", flooding, logins) })
	})
	rep.Phases = append(rep.Phases, floodPaced)
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	// The share of unloaded throughput is judged on reads beside the
	// flood and reads alone taking turns (paired.go): the baseline above
	// ran a minute earlier, and was seen on a drifting host at 94% of
	// the flood's own reads.
	alone := closedTurn("reads", o.concurrency, single(reads))
	flooded := func(ctx context.Context, d time.Duration) streamResult {
		// No drain: logins still due when the turn ends are dropped, and
		// the turn waits for those in flight, so none runs into the next.
		f := flooding
		f.duration, f.drain = d, 0
		return beside(
			func() streamResult { return alone(ctx, d) },
			func() streamResult { return openLoop(ctx, "logins", f, logins) })[0]
	}
	p, err := h.alternate(ctx, "reads alone", flooded, alone, false)
	if err != nil {
		return nil, err
	}
	rep.Paired = &p

	rep.Key = keyFrom(flood, floodPaced)
	rep.Key.Stream = "reads beside the flood"
	rep.Targets = floodTargets(p, floodPaced, readRate)
	if h.numCPU <= workers {
		rep.Notes = append(rep.Notes, fmt.Sprintf(
			"%d hashing workers on %d CPUs: a saturated pool can use every core, and the bench's own client shares them too",
			workers, h.numCPU))
	}
	return rep, nil
}

// floodTargets judges the flood against issue 8's numbers (the memory
// target is added by report.finish): the share of unloaded throughput on
// the paired rounds, the p99 on the flood-paced phase.
func floodTargets(paired pairing, floodPaced phase, readRate float64) []target {
	share := newTarget("read throughput during the flood, share of unloaded (closed loop)",
		paired.SharePct, "%", ">=", floodMinReadShare)
	share.Note = paired.note()
	pr := floodPaced.Streams[0]
	p99 := newTarget(fmt.Sprintf("read p99 during the flood (open loop at %.0f/s, from intended send)", readRate),
		pr.Latency.P99Ms, "ms", "<", floodMaxReadP99Ms)
	if failed := pr.Scheduled - pr.OK; float64(failed) > pacedMaxFailures*float64(pr.Scheduled) {
		p99.Pass = false
		p99.Note = fmt.Sprintf("%d of %d paced reads failed, so the p99 of the rest understates the wait", failed, pr.Scheduled)
	}
	return []target{share, p99}
}

// beside runs the given loads at the same time and returns their results
// in order.
func beside(loads ...func() streamResult) []streamResult {
	out := make([]streamResult, len(loads))
	var wg sync.WaitGroup
	for i, load := range loads {
		wg.Go(func() { out[i] = load() })
	}
	wg.Wait()
	return out
}

// readOwn returns a request that reads, in turn, each user's own record
// with that user's token.
func readOwn(a *api, users []user) request {
	var n atomic.Uint64
	return func(ctx context.Context) (int, error) {
		u := users[(n.Add(1)-1)%uint64(len(users))]
		return a.readOwnRecord(ctx, u)
	}
}

// floodLogins returns a request that logs in, in turn, with credentials
// of the given kind.
func floodLogins(a *api, users []user, kind string) request {
	var n atomic.Uint64
	return func(ctx context.Context) (int, error) {
		i := n.Add(1) - 1
		u := users[i%uint64(len(users))]
		identity, password := u.email, u.password
		switch kind {
		case "wrong":
			password += "-wrong"
		case "unknown":
			identity = fmt.Sprintf("nobody-%d@bench.local", i)
		}
		status, _, err := a.login(ctx, identity, password)
		return status, err
	}
}

// measureCeiling times samples sequential logins (an idle server, one at
// a time) and derives the hashing ceiling: workers logins can run at
// once, each taking the median single-login time. The time includes the
// HTTP round trip and the session write, so the ceiling is a little
// conservative; a login's hash is almost all of it.
func measureCeiling(ctx context.Context, a *api, users []user, samples, workers int) (ceiling, error) {
	c := ceiling{Samples: samples, Workers: workers}
	times := make([]time.Duration, 0, samples)
	for i := range samples {
		u := users[i%len(users)]
		t0 := time.Now()
		status, _, err := a.login(ctx, u.email, u.password)
		if err != nil || status != http.StatusOK {
			return c, fmt.Errorf("ceiling: login %s: status %d: %v", u.email, status, err)
		}
		d := time.Since(t0)
		times = append(times, d)
		c.LoginMs = append(c.LoginMs, ms(d))
	}
	med := median(times)
	c.MedianLoginMs = ms(med)
	c.LoginsPerSec = loginCeiling(workers, c.MedianLoginMs)
	return c, nil
}
