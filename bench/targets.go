package main

import (
	"fmt"
	"slices"
)

// Issue 8's targets that compare scenarios with each other.
const (
	readMinBareShare    = 50.0 // % of the bare handler's throughput
	refreshMinBareShare = 35.0
	loginMinCeiling     = 90.0 // % of the hashing ceiling
	// scaleMinShare is the least share of its standard-dataset
	// throughput a scenario keeps on the large dataset. Issue 8 asks for
	// "within 10%"; only a loss counts against it, a large dataset
	// measured faster is noise, not a scaling problem.
	scaleMinShare = 90.0
)

// figures are the closed-loop throughputs (ok/s) the targets compare;
// zero means not measured in this run.
type figures struct {
	bare, read, refresh, login float64
	workers                    int     // the standard server's hashing pool
	hashMs                     float64 // one argon2id verify, in-process
	std, big                   string  // dataset labels
	bigRuns                    map[string]float64
	// readPair and refreshPair are the paired measurements against the
	// bare handler (paired.go), which the share targets prefer; bigPairs
	// the large dataset's against the standard one.
	readPair, refreshPair, loginPair *pairing
	bigPairs                         map[string]*pairing
}

// figuresOf collects the figures from a run's reports.
func figuresOf(reports []*report, hash *hashCost, standard string) figures {
	f := figures{std: standard, bigRuns: map[string]float64{}, bigPairs: map[string]*pairing{}}
	if hash != nil {
		f.hashMs = hash.ArgonVerifyMs
	}
	for _, r := range reports {
		if r.Key == nil {
			continue
		}
		t := r.Key.Throughput
		if r.Dataset != "" && r.Dataset != standard {
			f.big, f.bigRuns[r.Scenario] = r.Dataset, t
			if r.Paired != nil {
				f.bigPairs[r.Scenario] = r.Paired
			}
			continue
		}
		switch r.Scenario {
		case "bare":
			f.bare = t
		case "read":
			f.read, f.readPair = t, r.Paired
		case "refresh":
			f.refresh, f.refreshPair = t, r.Paired
		case "login":
			f.login, f.workers, f.loginPair = t, r.Settings.HashWorkers, r.Paired
		}
	}
	return f
}

// crossTargets judges the figures against issue 8's numbers. Targets
// whose inputs were not measured are left out and named in the notes.
func crossTargets(f figures) (ts []target, notes []string) {
	share := func(name string, num, den, limit float64, needs string) {
		if num == 0 || den == 0 {
			notes = append(notes, fmt.Sprintf("not judged: %s (needs %s in the same run)", name, needs))
			return
		}
		ts = append(ts, newTarget(name, 100*num/den, "%", ">=", limit))
	}
	// A share is judged on the paired rounds when the run made them,
	// else on the two scenarios' separate closed loops.
	pairedShare := func(name string, num, den float64, p *pairing, limit float64, needs string) {
		if p == nil {
			share(name, num, den, limit, needs)
			return
		}
		t := newTarget(name, p.SharePct, "%", ">=", limit)
		t.Note = p.note()
		ts = append(ts, t)
	}
	pairedShare("authenticated record read, share of the bare handler's throughput", f.read, f.bare, f.readPair, readMinBareShare, "read and bare")
	pairedShare("auth-refresh, share of the bare handler's throughput", f.refresh, f.bare, f.refreshPair, refreshMinBareShare, "refresh and bare")
	if f.loginPair != nil {
		pairedShare(fmt.Sprintf("password login, share of the hashing ceiling (in-process verifiers: %d, one per hashing worker)", f.workers),
			f.login, 0, f.loginPair, loginMinCeiling, "login")
	} else {
		ceiling := loginCeiling(f.workers, f.hashMs)
		share(fmt.Sprintf("password login, share of the hashing ceiling (hashing workers %d / %.1f ms per verify = %.0f/s)", f.workers, f.hashMs, ceiling),
			f.login, ceiling, loginMinCeiling, "login")
	}
	if f.big == "" {
		return ts, notes
	}
	std := map[string]float64{"login": f.login, "refresh": f.refresh, "read": f.read}
	for _, name := range scaleRuns {
		pairedShare(fmt.Sprintf("%s with %s users, share of its %s-user throughput", name, f.big, f.std),
			f.bigRuns[name], std[name], f.bigPairs[name], scaleMinShare, name+" on both datasets")
	}
	return ts, notes
}

// allPass reports whether every target passed.
func allPass(ts []target) bool {
	return !slices.ContainsFunc(ts, func(t target) bool { return !t.Pass })
}
