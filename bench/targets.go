package main

import (
	"fmt"
	"slices"
)

// The targets that compare scenarios with each other: issue 8's, as
// issue 16 raised them (read 50 -> 65%, refresh 35 -> 45%), plus issue
// 16's rotating refresh.
const (
	readMinBareShare    = 65.0 // % of the bare handler's throughput
	refreshMinBareShare = 45.0
	// rotatingRefreshMinBareShare is the rotating refresh's (the
	// Directus surface's directus-refresh scenario, the Conduit
	// surface's conduit-renew, and every rotating surface added later).
	rotatingRefreshMinBareShare = 25.0
	// payloadMinBareShare is issue 17's, for the Payload surface's me
	// and refresh-token.
	payloadMinBareShare = 35.0
	// loginMinCeiling is the least share of the hashing ceiling logins
	// reach, the ceiling being one hash's rate x CPUs (issue 16: logins
	// use every core when nothing else runs).
	loginMinCeiling = 90.0
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
	// cpus is the number of in-process verifiers of the login's paired
	// rounds: the CPUs of the machine.
	cpus     int
	std, big string // dataset labels
	// readPair, refreshPair and rotatingPair are read, refresh and
	// directus-refresh against the bare handler, loginPair login against
	// the hashing ceiling, bigPairs the large dataset's scenarios against
	// the standard one's.
	readPair, refreshPair, rotatingPair, loginPair *pairing
	// payloadMePair and payloadRefreshPair are the Payload surface's me
	// and refresh-token against the bare handler.
	payloadMePair, payloadRefreshPair *pairing
	// conduitRenewPair is the Conduit surface's renew against the bare
	// handler.
	conduitRenewPair *pairing
	bigPairs         map[string]*pairing
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
		case "directus-refresh":
			f.rotatingPair = r.Paired
		case "payload-me":
			f.payloadMePair = r.Paired
		case "payload-refresh":
			f.payloadRefreshPair = r.Paired
		case "conduit-renew":
			f.conduitRenewPair = r.Paired
		case "login":
			f.cpus, f.loginPair = r.Machine.NumCPU, r.Paired
		}
	}
	return f
}

// crossTargets judges the paired measurements against issues 8 and 16's
// numbers.
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
	share("rotating refresh (directus-refresh), share of the bare handler's throughput", f.rotatingPair,
		rotatingRefreshMinBareShare, "directus-refresh, its surface mounted, and bare")
	share("rotating refresh (conduit-renew), share of the bare handler's throughput", f.conduitRenewPair,
		rotatingRefreshMinBareShare, "conduit-renew, its surface mounted, and bare")
	share("Payload me, share of the bare handler's throughput", f.payloadMePair, payloadMinBareShare,
		"payload-me, its surface mounted, and bare")
	share("Payload refresh-token, share of the bare handler's throughput", f.payloadRefreshPair, payloadMinBareShare,
		"payload-refresh, its surface mounted, and bare")
	verifiers := "one per CPU"
	if f.cpus > 0 {
		verifiers = fmt.Sprintf("%d, one per CPU", f.cpus)
	}
	share("password login, share of the hashing ceiling: one hash's rate x CPUs (in-process verifiers: "+verifiers+")",
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
