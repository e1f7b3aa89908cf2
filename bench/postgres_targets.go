package main

import "fmt"

// Issue 16's PostgreSQL targets.
const (
	// pgMinReadShare is the least share of SQLite's read throughput
	// PostgreSQL keeps, in paired rounds with the same load.
	pgMinReadShare = 80.0
	// twoNodesMinPct is the least two nodes on one database serve, in %
	// of one node's reads, "when the machine has the cores":
	// twoNodesMinCPUs or more. On fewer, the two nodes, PostgreSQL and
	// the load generator share the same cores, so a second node cannot
	// add capacity that is not there; the figure is then recorded and
	// its line says why it is not judged.
	twoNodesMinPct  = 160.0
	twoNodesMinCPUs = 4
)

// pgFigures are the PostgreSQL runs' paired measurements: each scenario
// against the same load on the SQLite server, and two nodes against one.
type pgFigures struct {
	label  string
	pairs  map[string]*pairing
	nodes  *pairing
	numCPU int
}

// addPostgres records one PostgreSQL report.
func (f *figures) addPostgres(r *report) {
	f.pg.label = r.Dataset
	if f.pg.pairs == nil {
		f.pg.pairs = map[string]*pairing{}
	}
	if r.Scenario == twoNodesScenario {
		f.pg.nodes, f.pg.numCPU = r.Paired, r.Machine.NumCPU
		return
	}
	if r.Paired != nil {
		f.pg.pairs[r.Scenario] = r.Paired
	}
}

// postgresTargets judges PostgreSQL's reads against SQLite's, and two
// nodes against one when the machine has the cores (else a note records
// the figure and why). Refresh and login against SQLite are recorded as
// notes: the issue sets no number for them.
func postgresTargets(f figures, ts []target, notes []string) ([]target, []string) {
	pg := f.pg
	if pg.label == "" {
		return ts, notes
	}
	if p := pg.pairs["read"]; p != nil {
		t := newTarget(fmt.Sprintf("PostgreSQL authenticated read, share of SQLite's (%s users)", f.std), p.SharePct, "%", ">=", pgMinReadShare)
		t.Note = p.note()
		ts = append(ts, t)
	} else {
		notes = append(notes, "not judged: PostgreSQL read against SQLite's (needs read and postgres in the same run)")
	}
	for _, n := range []string{"refresh", "login"} {
		if p := pg.pairs[n]; p != nil {
			notes = append(notes, fmt.Sprintf("PostgreSQL %s: %.1f %% of SQLite's (recorded, no target): %s", n, p.SharePct, p.note()))
		}
	}
	if p := pg.nodes; p != nil {
		name := "two Gatehouse nodes on one PostgreSQL database: reads, share of one node's"
		if pg.numCPU >= twoNodesMinCPUs {
			t := newTarget(name, p.SharePct, "%", ">=", twoNodesMinPct)
			t.Note = p.note()
			ts = append(ts, t)
		} else {
			notes = append(notes, fmt.Sprintf("not judged (informational): %s = %.1f %% (target %.0f %% needs at least %d CPUs; this machine has %d, "+
				"which both nodes, PostgreSQL and the load generator share, so a second node adds no cores to serve with): %s",
				name, p.SharePct, twoNodesMinPct, twoNodesMinCPUs, pg.numCPU, p.note()))
		}
	}
	return ts, notes
}
