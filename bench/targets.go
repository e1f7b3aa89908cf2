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

// figures are what the cross-scenario targets and the summary's context
// line read from a run's reports: the paired measurements (paired.go),
// which the targets judge, and the standard dataset's closed-loop
// throughputs (ok/s; zero when not measured), which the context line
// prints.
type figures struct {
	bare, read, refresh float64
	workers             int    // the standard server's hashing pool
	std, big            string // dataset labels
	// readPair and refreshPair are read and refresh against the bare
	// handler, loginPair login against the hashing ceiling, bigPairs the
	// large dataset's scenarios against the standard one's.
	readPair, refreshPair, loginPair *pairing
	bigPairs                         map[string]*pairing
	// pg holds the PostgreSQL runs (postgres_targets.go).
	pg pgFigures
}

// figuresOf collects the figures from a run's reports.
func figuresOf(reports []*report, standard string) figures {
	f := figures{std: standard, bigPairs: map[string]*pairing{}}
	for _, r := range reports {
		if r.Key == nil {
			continue
		}
		t := r.Key.Throughput
		if isPostgresDataset(r.Dataset) {
			f.addPostgres(r)
			continue
		}
		if r.Dataset != "" && r.Dataset != standard {
			f.big = r.Dataset
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
			f.workers, f.loginPair = r.Settings.HashWorkers, r.Paired
		}
	}
	return f
}

// crossTargets judges the paired measurements against issue 8's numbers.
// A target whose pairing the run did not make (one of its sides was not
// selected) is left out and named in the notes.
func crossTargets(f figures) (ts []target, notes []string) {
	share := func(name string, p *pairing, limit float64, needs string) {
		if p == nil {
			notes = append(notes, fmt.Sprintf("not judged: %s (needs %s in the same run)", name, needs))
			return
		}
		t := newTarget(name, p.SharePct, "%", ">=", limit)
		t.Note = p.note()
		ts = append(ts, t)
	}
	share("authenticated record read, share of the bare handler's throughput", f.readPair, readMinBareShare, "read and bare")
	share("auth-refresh, share of the bare handler's throughput", f.refreshPair, refreshMinBareShare, "refresh and bare")
	share(fmt.Sprintf("password login, share of the hashing ceiling (in-process verifiers: %d, one per hashing worker)", f.workers),
		f.loginPair, loginMinCeiling, "login")
	ts, notes = postgresTargets(f, ts, notes)
	if f.big == "" {
		return ts, notes
	}
	for _, name := range scaleRuns {
		share(fmt.Sprintf("%s with %s users, share of its %s-user throughput", name, f.big, f.std),
			f.bigPairs[name], scaleMinShare, name+" on both datasets")
	}
	return ts, notes
}

// allPass reports whether every target passed.
func allPass(ts []target) bool {
	return !slices.ContainsFunc(ts, func(t target) bool { return !t.Pass })
}
