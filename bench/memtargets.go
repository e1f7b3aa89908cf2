package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Issue 16's memory targets, the hashing workers always included
// (proctree.go): the server at idle, and every scenario's peak.
const (
	// idleMaxRSSMB is the most the standard server may hold at idle.
	idleMaxRSSMB = 30.0
	// scenarioMaxRSSMB is the most any scenario's peak may reach (the
	// login flood's included).
	scenarioMaxRSSMB = 100.0
	// idleQuiet is how long the idlemem scenario leaves the server alone
	// before its readings, and idleReadings how many it takes, one every
	// sampleEvery, over the end of that time. It is longer than the
	// server's default passwords.worker_idle_timeout (10 s), so an idle
	// server is measured as it idles: its hashing workers stopped.
	idleQuiet    = 15 * time.Second
	idleReadings = 5
)

// noPeakTarget names the scenarios of a Gatehouse server that get no
// peak-memory target: during startup the measured server sits idle
// while other processes start and stop (their own memory is in its
// note).
var noPeakTarget = []string{"startup"}

// applyPeakLimit gives a scenario of the Gatehouse server the
// every-scenario peak-memory target (report.finish then adds it), unless
// it has a limit of its own, measured nothing, or is the bare handler's.
func applyPeakLimit(rep *report, h *harness) {
	if rep.memLimitMB > 0 || rep.Skipped != "" || h.proc.name != "gatehouse" || slices.Contains(noPeakTarget, rep.Scenario) {
		return
	}
	rep.memLimitMB = scenarioMaxRSSMB
}

// peakTarget is a scenario's peak-memory target: the larger of the
// highest sampled VmRSS and the summed VmHWM (both over the server and
// its hashing workers), at most r.memLimitMB. The note gives the
// scenario's closed-loop throughput, whose own target the same run
// judges.
func peakTarget(r *report) target {
	name := "peak resident memory, hashing workers included (max of sampled VmRSS and VmHWM)"
	if r.Dataset != "" {
		name = fmt.Sprintf("peak resident memory with %s users, hashing workers included (max of sampled VmRSS and VmHWM)", r.Dataset)
	}
	t := newTarget(name, float64(max(r.MaxRSSKB, r.PeakRSSKB))/1024, "MB", "<=", r.memLimitMB)
	t.Note = fmt.Sprintf("sampled VmRSS %s, VmHWM %s", mb(r.MaxRSSKB), mb(r.PeakRSSKB))
	if r.Key != nil {
		t.Note += fmt.Sprintf("; closed loop %.0f/s of %s", r.Key.Throughput, r.Key.Stream)
	}
	return t
}

// idleFigures is what the idlemem scenario read.
type idleFigures struct {
	QuietSec float64 `json:"quiet_sec"`
	// ReadingsKB are the summed VmRSS readings over the end of the
	// quiet; RSSKB, their largest, is what the target judges.
	ReadingsKB []int64 `json:"readings_kb"`
	RSSKB      int64   `json:"rss_kb"`
	// ProcessesKB is the last reading per process: the server first,
	// then its hashing workers.
	ProcessesKB []int64 `json:"processes_kb"`
}

// runIdleMem measures the standard server's resident memory at idle:
// it runs first, right after the server has started and logged the
// sample in (so the hashing workers have hashed), sends nothing for
// idleQuiet, and reads the summed VmRSS of the server and its hashing
// workers idleReadings times, sampleEvery apart, over the end of that
// quiet. The target judges the largest reading: by then the Go runtime
// has had seconds to return the logins' garbage (its background
// scavenger), and nothing forces a collection.
func runIdleMem(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "idlemem"}
	readFor := time.Duration(idleReadings-1) * sampleEvery
	h.progressf("idlemem: %s without requests, then %d readings of the resident memory", idleQuiet, idleReadings)
	h.sampler.setPhase("idlemem/quiet")
	if err := sleepCtx(ctx, idleQuiet-readFor); err != nil {
		return rep, err
	}
	h.sampler.setPhase("idlemem/readings")
	defer h.sampler.setPhase("between")
	f := &idleFigures{QuietSec: idleQuiet.Seconds()}
	for i := range idleReadings {
		if i > 0 {
			if err := sleepCtx(ctx, sampleEvery); err != nil {
				return rep, err
			}
		}
		kb, err := treeStatusKB(h.proc.pid(), "VmRSS")
		if err != nil {
			return rep, fmt.Errorf("idlemem: reading VmRSS: %w", err)
		}
		f.ReadingsKB = append(f.ReadingsKB, kb)
	}
	f.RSSKB = slices.Max(f.ReadingsKB)
	f.ProcessesKB = perProcessKB(h.proc.pid(), "VmRSS")
	rep.Idle = f
	t := newTarget(fmt.Sprintf("resident memory at idle, hashing workers included (after the sample's logins and %g s of quiet)", f.QuietSec),
		float64(f.RSSKB)/1024, "MB", "<=", idleMaxRSSMB)
	t.Note = idleNote(f)
	rep.Targets = append(rep.Targets, t)
	return rep, nil
}

// idleNote describes the idle readings: the largest of them, and the
// last one split by process.
func idleNote(f *idleFigures) string {
	var rs []string
	for _, kb := range f.ReadingsKB {
		rs = append(rs, fmt.Sprintf("%.1f", float64(kb)/1024))
	}
	return fmt.Sprintf("largest of %d readings %s apart: %s MB; last by process: %s",
		len(f.ReadingsKB), sampleEvery, strings.Join(rs, ", "), processSplit(f.ProcessesKB))
}

// processSplit renders per-process memory: "server 21.0 MB + 1 hashing
// worker (30.1 MB)".
func processSplit(kbs []int64) string {
	if len(kbs) == 0 {
		return "unknown"
	}
	s := "server " + mb(kbs[0])
	if n := len(kbs) - 1; n > 0 {
		var ws []string
		for _, kb := range kbs[1:] {
			ws = append(ws, mb(kb))
		}
		plural := "s"
		if n == 1 {
			plural = ""
		}
		s += fmt.Sprintf(" + %d hashing worker%s (%s)", n, plural, strings.Join(ws, ", "))
	} else {
		s += ", no hashing worker running"
	}
	return s
}

// perProcessKB reads one "kB" field for each process of pid's tree, the
// server first; a process that ended meanwhile is left out.
func perProcessKB(pid int, field string) []int64 {
	var out []int64
	for _, p := range procTree(pid) {
		if kb, err := procStatusKB(p, field); err == nil {
			out = append(out, kb)
		}
	}
	return out
}

// sleepCtx waits d, or less if ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
