package main

import (
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

// rounds makes closed-loop results of ok answers over sec seconds each.
func rounds(sec float64, oks ...int) []streamResult {
	var out []streamResult
	for _, ok := range oks {
		out = append(out, streamResult{OK: ok, ElapsedSec: sec})
	}
	return out
}

func TestPairSumsAlternatingRounds(t *testing.T) {
	t.Parallel()
	// The machine slows down in the middle rounds: each round's share
	// stays near 40% although both sides' throughput halves.
	p := pair(rounds(2, 8000, 4000, 8200), rounds(2, 20000, 10000, 20000))
	want := pairing{Rounds: 3, OK: 20200, BareOK: 50000, Sec: 6, BareSec: 6,
		Throughput: 20200.0 / 6, BareThroughput: 50000.0 / 6, PooledPct: 40.4,
		RoundSharesPct: []float64{40, 40, 41}, SharePct: 40}
	if diff := cmp.Diff(want, p, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("pair (-want +got):\n%s", diff)
	}
	p.RoundSec = 2
	if n := p.note(); !strings.Contains(n, "median of 3 alternating rounds of 2 s, from 40.0 to 41.0 %") || !strings.Contains(n, "40.4 %") {
		t.Errorf("note %q, want the rounds, their length and the spread", n)
	}
	// A round the bare handler answered nothing in has no share of its
	// own, and divides by nothing.
	if p := pair(rounds(1, 10), rounds(1, 0)); p.SharePct != 0 || len(p.RoundSharesPct) != 0 {
		t.Errorf("pair with a silent bare handler = %+v, want no share", p)
	}
	// One round hit by a burst of noise moves the pooled share, not the
	// median; an even count takes the middle two's mean.
	p = pair(rounds(1, 40, 40, 40, 10, 36), rounds(1, 100, 100, 100, 100, 100))
	if p.SharePct != 40 || p.PooledPct != 33.2 {
		t.Errorf("median %v, pooled %v; want 40 and 33.2", p.SharePct, p.PooledPct)
	}
	if p = pair(rounds(1, 30, 40, 10, 36), rounds(1, 100, 100, 100, 100)); p.SharePct != 33 {
		t.Errorf("median of four rounds %v, want 33", p.SharePct)
	}
}

// The paired rounds, when a run made them, decide the shares of the bare
// handler instead of the two scenarios' separate closed loops.
func TestCrossTargetsPreferPairedRounds(t *testing.T) {
	t.Parallel()
	read := keyed("read", "1k", 10000, 1)
	read.Paired = &pairing{Rounds: 5, RoundSec: 2, Throughput: 9000, BareThroughput: 15000, SharePct: 60, RoundSharesPct: []float64{58, 62}}
	refresh := keyed("refresh", "1k", 6000, 1) // no paired rounds: the closed loops decide
	got, _ := crossTargets(figuresOf([]*report{keyed("bare", "", 20000, 0), read, refresh}, nil, "1k"))
	if len(got) < 2 {
		t.Fatalf("targets %v, want read and refresh", got)
	}
	if got[0].Value != 60 || !got[0].Pass || !strings.Contains(got[0].Note, "9000/s beside the bare handler's 15000/s") {
		t.Errorf("read target %+v, want the paired 60%% with its note", got[0])
	}
	if got[1].Value != 30 || got[1].Pass || got[1].Note != "" {
		t.Errorf("refresh target %+v, want 30%% of the separate bare run, failed", got[1])
	}
}
