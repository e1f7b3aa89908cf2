package main

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// keyed makes a report with a headline throughput.
func keyed(scenario, dataset string, okPerSec float64, workers int) *report {
	r := &report{Scenario: scenario, Dataset: dataset, Key: &keyFigures{Throughput: okPerSec}}
	r.Settings.HashWorkers = workers
	return r
}

// cpus sets the CPUs of the machine r ran on.
func cpus(r *report, n int) *report {
	r.Machine.NumCPU = n
	return r
}

// pairedAt makes a report whose paired rounds gave share, against ref.
func pairedAt(scenario, dataset, ref string, share float64) *report {
	r := keyed(scenario, dataset, 1000, 1)
	r.Paired = &pairing{Against: ref, Rounds: 10, RoundSec: 1, SharePct: share, RoundSharesPct: []float64{share}}
	return r
}

// Each target is judged at its limit: a share just under fails, the limit
// itself and anything above pass.
func TestCrossTargets(t *testing.T) {
	t.Parallel()
	reports := []*report{
		keyed("bare", "", 20000, 0),
		pairedAt("read", "1k", "the bare handler", 65),              // the limit passes
		pairedAt("refresh", "1k", "the bare handler", 44.995),       // just fails 45
		pairedAt("directus-refresh", "1k", "the bare handler", 25),  // the limit passes
		pairedAt("conduit-renew", "1k", "the bare handler", 24.99),  // just fails 25
		pairedAt("payload-me", "1k", "the bare handler", 35),        // the limit passes
		pairedAt("payload-refresh", "1k", "the bare handler", 34.9), // just fails 35
		cpus(pairedAt("login", "1k", "the hashing ceiling", 90), 2),
		keyed("signup", "1k", 40, 1),               // no target of its own
		pairedAt("login", "1M", "1k users", 88.9),  // fails
		pairedAt("refresh", "1M", "1k users", 110), // faster than 1k: passes
		pairedAt("read", "1M", "1k users", 90),     // exactly 90%: passes
		pairedAt("sessions", "1M", "1k users", 95),
		pairedAt("audit", "1M", "1k users", 89),
		{Scenario: "directus-refresh", Dataset: "1k", Skipped: "not mounted"},
	}
	got, notes := crossTargets(figuresOf(reports, "1k"))
	want := []target{
		{Name: "authenticated record read, share of the bare handler's throughput", Value: 65, Unit: "%", Op: ">=", Limit: 65, Pass: true},
		{Name: "auth-refresh, share of the bare handler's throughput", Value: 44.995, Unit: "%", Op: ">=", Limit: 45, Pass: false},
		{Name: "rotating refresh (directus-refresh), share of the bare handler's throughput", Value: 25, Unit: "%", Op: ">=", Limit: 25, Pass: true},
		{Name: "rotating refresh (conduit-renew), share of the bare handler's throughput", Value: 24.99, Unit: "%", Op: ">=", Limit: 25, Pass: false},
		{Name: "Payload me, share of the bare handler's throughput", Value: 35, Unit: "%", Op: ">=", Limit: 35, Pass: true},
		{Name: "Payload refresh-token, share of the bare handler's throughput", Value: 34.9, Unit: "%", Op: ">=", Limit: 35, Pass: false},
		{Name: "password login, share of the hashing ceiling: one hash's rate x CPUs (in-process verifiers: 2, one per CPU)", Value: 90, Unit: "%", Op: ">=", Limit: 90, Pass: true},
		{Name: "login with 1M users, share of its 1k-user throughput", Value: 88.9, Unit: "%", Op: ">=", Limit: 90, Pass: false},
		{Name: "refresh with 1M users, share of its 1k-user throughput", Value: 110, Unit: "%", Op: ">=", Limit: 90, Pass: true},
		{Name: "read with 1M users, share of its 1k-user throughput", Value: 90, Unit: "%", Op: ">=", Limit: 90, Pass: true},
		{Name: "sessions with 1M users, share of its 1k-user throughput", Value: 95, Unit: "%", Op: ">=", Limit: 90, Pass: true},
		{Name: "audit with 1M users, share of its 1k-user throughput", Value: 89, Unit: "%", Op: ">=", Limit: 90, Pass: false},
	}
	if diff := cmp.Diff(want, got, cmpopts.EquateApprox(0, 1e-9), cmpopts.IgnoreFields(target{}, "Note")); diff != "" {
		t.Errorf("targets (-want +got):\n%s", diff)
	}
	if len(notes) != 0 {
		t.Errorf("notes %q, want none: every input was measured", notes)
	}
	if allPass(got) {
		t.Error("allPass: true with failed targets")
	}
}

func TestCrossTargetsNameWhatWasNotMeasured(t *testing.T) {
	t.Parallel()
	// Only read ran: nothing to compare it with, and no large dataset.
	got, notes := crossTargets(figuresOf([]*report{keyed("read", "1k", 9000, 1)}, "1k"))
	if len(got) != 0 {
		t.Errorf("targets %v, want none", got)
	}
	if len(notes) != 7 || !strings.Contains(notes[0], "needs read and bare") {
		t.Errorf("notes %q, want the seven standard targets named as not judged", notes)
	}
	// A skipped directus-refresh (its surface not mounted) has no
	// pairing: its target is named as not judged, not failed.
	_, notes = crossTargets(figuresOf([]*report{{Scenario: "directus-refresh", Dataset: "1k", Skipped: "not mounted"}}, "1k"))
	if !slices.ContainsFunc(notes, func(n string) bool { return strings.HasPrefix(n, "not judged: rotating refresh") }) {
		t.Errorf("notes %q lack the rotating refresh as not judged", notes)
	}
	if !allPass(nil) {
		t.Error("allPass(nil) = false; no target means nothing failed")
	}
}

func TestLoginCeiling(t *testing.T) {
	t.Parallel()
	if got := loginCeiling(2, 16); got != 125 {
		t.Errorf("2 workers x 16 ms: %v/s, want 125", got)
	}
	if got := loginCeiling(1, 0); got != 0 {
		t.Errorf("unknown hash time: %v, want 0 (not judged)", got)
	}
}

func TestBcryptUsersFor(t *testing.T) {
	t.Parallel()
	o := options{duration: 10 * time.Second, pacedShare: 0.5, concurrency: 16}
	// 2 workers at 50 ms: at most 40 first logins/s, over 10 s closed
	// plus 10 s paced (at most half): 600, with half again: 900, plus
	// 64 in flight: 964, so the floor of 1000 wins.
	if got := bcryptUsersFor(o, 2, 50); got != 1000 {
		t.Errorf("2 workers at 50 ms: %d, want the 1000 floor", got)
	}
	// 4 workers at 20 ms: 200/s -> 1.5 x 200 x 15 + 64 = 4564.
	if got := bcryptUsersFor(o, 4, 20); got != 4564 {
		t.Errorf("4 workers at 20 ms: %d, want 4564", got)
	}
}

func TestMixKind(t *testing.T) {
	t.Parallel()
	counts := map[string]int{}
	runs, last := 0, ""
	for i := range uint64(1000) {
		k := mixKind(i)
		counts[k]++
		if k != last {
			runs++
		}
		last = k
	}
	if diff := cmp.Diff(map[string]int{"read": 900, "refresh": 90, "login": 10}, counts); diff != "" {
		t.Errorf("kinds per thousand (-want +got):\n%s", diff)
	}
	// Interleaved: refreshes and logins do not come in one block.
	if runs < 150 {
		t.Errorf("%d runs of one kind in 1000 requests, want the kinds interleaved", runs)
	}
}

func TestPopulationDraws(t *testing.T) {
	t.Parallel()
	p := &population{users: 100, bcrypt: 2}
	seen := map[string]bool{}
	for range 100 {
		seen[p.loginEmail()] = true
	}
	if len(seen) != 100 {
		t.Errorf("100 logins visited %d users, want every one once", len(seen))
	}
	a, ok1 := p.freshImport()
	b, ok2 := p.freshImport()
	_, ok3 := p.freshImport()
	if !ok1 || !ok2 || ok3 || a == b {
		t.Errorf("fresh imports: %q %v, %q %v, then %v; want two distinct, then none", a, ok1, b, ok2, ok3)
	}
	if p.signupEmail() == p.signupEmail() {
		t.Error("two sign-ups got the same address")
	}
	if got := []int{sampleIndex(0, 4, 1000), sampleIndex(3, 4, 1000)}; got[0] != 0 || got[1] != 750 {
		t.Errorf("sample indexes %v, want [0 750]", got)
	}
}

func TestCountLabel(t *testing.T) {
	t.Parallel()
	for n, want := range map[int]string{1000: "1k", 1_000_000: "1M", 2500: "2.5k", 250_000: "250k", 1_500_000: "1.5M", 999: "999", 1234: "1234"} {
		if got := countLabel(n); got != want {
			t.Errorf("countLabel(%d) = %q, want %q", n, got, want)
		}
	}
}
