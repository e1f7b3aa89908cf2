package main

import (
	"context"
	"math"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/gatehouse/gatehouse/internal/hashing"
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
	want := pairing{Rounds: 3, OK: 20200, RefOK: 50000, Sec: 6, RefSec: 6,
		Throughput: 20200.0 / 6, RefThroughput: 50000.0 / 6, PooledPct: 40.4,
		RoundSharesPct: []float64{40, 40, 41}, SharePct: 40}
	if diff := cmp.Diff(want, p, cmpopts.EquateApprox(0, 1e-9)); diff != "" {
		t.Errorf("pair (-want +got):\n%s", diff)
	}
	p.RoundSec, p.Against = 2, "the bare handler"
	if n := p.note(); !strings.Contains(n, "median of 3 alternating rounds of 2 s, from 40.0 to 41.0 %") ||
		!strings.Contains(n, "3367/s beside 8333/s for the bare handler, 40.4 %") {
		t.Errorf("note %q, want the rounds, their length, the spread and the pooled share", n)
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
	read.Paired = &pairing{Against: "the bare handler", Rounds: 5, RoundSec: 2, Throughput: 9000, RefThroughput: 15000, SharePct: 60, RoundSharesPct: []float64{58, 62}}
	refresh := keyed("refresh", "1k", 6000, 1) // no paired rounds: the closed loops decide
	got, _ := crossTargets(figuresOf([]*report{keyed("bare", "", 20000, 0), read, refresh}, nil, "1k"))
	if len(got) < 2 {
		t.Fatalf("targets %v, want read and refresh", got)
	}
	if got[0].Value != 60 || !got[0].Pass || !strings.Contains(got[0].Note, "9000/s beside 15000/s for the bare handler") {
		t.Errorf("read target %+v, want the paired 60%% with its note", got[0])
	}
	if got[1].Value != 30 || got[1].Pass || got[1].Note != "" {
		t.Errorf("refresh target %+v, want 30%% of the separate bare run, failed", got[1])
	}
}

// The large dataset's scenarios, when paired with the standard dataset's
// server, are judged on the rounds, not on phases run minutes apart.
func TestCrossTargetsPreferPairedDatasets(t *testing.T) {
	t.Parallel()
	bigRead := keyed("read", "1M", 7000, 1) // 70% of the 1k closed loop
	bigRead.Paired = &pairing{Against: "1k users", Rounds: 10, RoundSec: 1, Throughput: 9500, RefThroughput: 10000,
		SharePct: 95, RoundSharesPct: []float64{93, 97}}
	bigRefresh := keyed("refresh", "1M", 5000, 1) // unpaired: 83% of 6000
	reports := []*report{keyed("read", "1k", 10000, 1), keyed("refresh", "1k", 6000, 1), bigRead, bigRefresh}
	got, _ := crossTargets(figuresOf(reports, nil, "1k"))
	byName := map[string]target{}
	for _, tg := range got {
		byName[tg.Name] = tg
	}
	read := byName["read with 1M users, share of its 1k-user throughput"]
	if read.Value != 95 || !read.Pass || !strings.Contains(read.Note, "beside 10000/s for 1k users") {
		t.Errorf("1M read target %+v, want the paired 95%% with its note", read)
	}
	refresh := byName["refresh with 1M users, share of its 1k-user throughput"]
	if math.Abs(refresh.Value-100*5000.0/6000) > 1e-9 || refresh.Pass || refresh.Note != "" {
		t.Errorf("1M refresh target %+v, want 83%% of the separate 1k run, failed", refresh)
	}
}

// The flood's share of unloaded reads is the paired rounds' when there
// are some, whatever the baseline phase measured.
func TestFloodTargetsPreferPairedRounds(t *testing.T) {
	t.Parallel()
	flood := phase{Streams: []streamResult{{Throughput: 4000}}}
	paced := phase{Streams: []streamResult{{Scheduled: 100, OK: 100, Latency: latencySummary{P99Ms: 10}}}}
	if got := floodTargets(10000, flood, paced, 2000, nil)[0]; got.Value != 40 || got.Pass {
		t.Errorf("unpaired share %+v, want 40%% of the baseline, failed", got)
	}
	p := &pairing{Against: "reads alone", Rounds: 10, RoundSec: 1, SharePct: 55, RoundSharesPct: []float64{50, 60}}
	got := floodTargets(10000, flood, paced, 2000, p)[0]
	if got.Value != 55 || !got.Pass || !strings.Contains(got.Note, "for reads alone") {
		t.Errorf("paired share %+v, want the rounds' 55%% with their note", got)
	}
}

// Login, when paired with in-process verifies, is judged on the rounds
// instead of on a hash time measured minutes before.
func TestCrossTargetsPreferPairedCeiling(t *testing.T) {
	t.Parallel()
	login := keyed("login", "1k", 30, 1) // 60% of 1 worker / 20 ms
	login.Paired = &pairing{Against: "the hashing ceiling", Rounds: 10, RoundSec: 1, Throughput: 30, RefThroughput: 32,
		SharePct: 94, RoundSharesPct: []float64{90, 97}}
	got, _ := crossTargets(figuresOf([]*report{login}, &hashCost{ArgonVerifyMs: 20}, "1k"))
	var tg *target
	for i := range got {
		if strings.HasPrefix(got[i].Name, "password login") {
			tg = &got[i]
		}
	}
	if tg == nil || tg.Value != 94 || !tg.Pass || !strings.Contains(tg.Note, "for the hashing ceiling") {
		t.Errorf("login target %+v, want the paired 94%% with its note", tg)
	}
}

// A ceiling turn verifies the seeded hash with as many goroutines as
// asked, and counts every verify.
func TestCeilingTurnVerifies(t *testing.T) {
	t.Parallel()
	params := hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1, Workers: 1}
	h, err := hashing.New(params)
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	c := &hashCost{params: params}
	if c.argonHash, err = h.Hash(context.Background(), seedPassword); err != nil {
		t.Fatal(err)
	}
	turn, release, err := c.ceilingTurn(2)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	r := turn(context.Background(), 50*time.Millisecond)
	if r.OK == 0 || r.OK != r.Scheduled || r.Concurrency != 2 || r.Outcomes["200"] != r.OK {
		t.Errorf("ceiling turn %+v, want every verify counted, by 2 verifiers", r)
	}
	// A hash of another password fails its turn instead of counting.
	c.argonHash, _ = h.Hash(context.Background(), "another password")
	bad, release2, err := c.ceilingTurn(1)
	if err != nil {
		t.Fatal(err)
	}
	defer release2()
	if r := bad(context.Background(), 20*time.Millisecond); r.OK != 0 {
		t.Errorf("ceiling turn with the wrong hash counted %d verifies", r.OK)
	}
}
