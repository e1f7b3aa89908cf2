package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// PostgreSQL's reads are judged against SQLite's and kept apart from the
// large dataset's; two nodes are judged only with the cores, else
// recorded in a note that says why.
func TestPostgresTargets(t *testing.T) {
	t.Parallel()
	nodes := func(cpus int) *report {
		r := pairedAt(twoNodesScenario, "1k-pg", "one node", 104)
		r.Machine.NumCPU = cpus
		return r
	}
	base := []*report{
		pairedAt("read", "1k", "the bare handler", 70),
		pairedAt("read", "1k-pg", "1k users", 79.9), // just fails 80
		pairedAt("refresh", "1k-pg", "1k users", 70),
		keyed("signup", "1k-pg", 40, 1),
	}
	for _, cpus := range []int{2, 4} {
		reports := append(append([]*report{}, base...), nodes(cpus))
		f := figuresOf(reports, "1k")
		if f.big != "" || len(f.bigPairs) != 0 {
			t.Errorf("%d CPUs: PostgreSQL reports taken for the large dataset: %q %v", cpus, f.big, f.bigPairs)
		}
		got, notes := crossTargets(f)
		want := []target{
			{Name: "authenticated record read, share of the bare handler's throughput", Value: 70, Unit: "%", Op: ">=", Limit: 65, Pass: true},
			{Name: "PostgreSQL authenticated read, share of SQLite's (1k users)", Value: 79.9, Unit: "%", Op: ">=", Limit: 80, Pass: false},
		}
		if cpus >= 4 {
			want = append(want, target{Name: "two Gatehouse nodes on one PostgreSQL database: reads, share of one node's", Value: 104, Unit: "%", Op: ">=", Limit: 160, Pass: false})
		}
		if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreFields(target{}, "Note")); diff != "" {
			t.Errorf("%d CPUs: targets (-want +got):\n%s", cpus, diff)
		}
		joined := strings.Join(notes, "\n")
		if !strings.Contains(joined, "PostgreSQL refresh: 70.0 %") {
			t.Errorf("%d CPUs: notes %q: want the refresh share recorded", cpus, notes)
		}
		informational := strings.Contains(joined, "not judged (informational): two Gatehouse nodes") && strings.Contains(joined, "104.0 %")
		if informational != (cpus < 4) {
			t.Errorf("%d CPUs: notes %q: informational two-node line %v, want %v", cpus, notes, informational, cpus < 4)
		}
	}
}

func TestBenchDatabaseURL(t *testing.T) {
	t.Parallel()
	name, u, err := benchDatabaseURL(defaultPostgresURL, 4242)
	if err != nil || name != "gatehouse_bench_4242" || u != "postgres://postgres@127.0.0.1:5432/gatehouse_bench_4242?sslmode=disable" {
		t.Errorf("benchDatabaseURL: %q %q %v", name, u, err)
	}
	if _, _, err := benchDatabaseURL("mysql://x@h/db", 1); err == nil {
		t.Error("a mysql:// URL was accepted")
	}
	if got := redactURL("postgres://u:secret@h/db"); strings.Contains(got, "secret") {
		t.Errorf("redactURL kept the password: %s", got)
	}
}

func TestOnPostgresWins(t *testing.T) {
	t.Parallel()
	env, _ := serverEnv([]string{"PATH=/bin"}, nil)
	got := onPostgres(env, "postgres://h/db")
	last := ""
	for _, kv := range got {
		if v, ok := strings.CutPrefix(kv, "GATEHOUSE_DB="); ok {
			last = v
		}
	}
	if last != "postgres://h/db" {
		t.Errorf("the last GATEHOUSE_DB is %q, want the database (os/exec keeps the last value)", last)
	}
	if len(env) == len(got) {
		t.Error("onPostgres changed env in place")
	}
}

// Without a PostgreSQL to reach, the postgres runs are skipped with a
// note and the rest of the run stands.
func TestPostgresSkippedWithoutServer(t *testing.T) {
	t.Parallel()
	var log strings.Builder
	b := &bench{opts: options{postgres: "postgres://nobody@127.0.0.1:1/postgres?sslmode=disable&connect_timeout=2"},
		stderr: &log, results: &suite{}}
	called := false
	if err := b.withDatabase(t.Context(), func(string) error { called = true; return nil }); err != nil {
		t.Fatalf("withDatabase: %v, want a skip", err)
	}
	if called {
		t.Error("ran the PostgreSQL runs without a database")
	}
	b.results.judge()
	if len(b.results.Scenarios) != 1 || !strings.Contains(b.results.Scenarios[0].Skipped, "cannot connect") ||
		!strings.Contains(strings.Join(b.results.Notes, "\n"), "postgres: skipped: cannot connect") {
		t.Errorf("scenarios %+v, notes %q: want postgres skipped with the reason", b.results.Scenarios, b.results.Notes)
	}
}
