package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"
)

// PocketBase v0.39's figures on the same kind of 2-core machine (issue
// 8), printed beside ours for context.
const (
	pbRefreshPerSec = 2350
	pbReadPerSec    = 1420
	pbBarePerSec    = 23000
)

// summaryRow renders one scenario's cells: name, users, max ok/s, paced
// rate, paced p50 and p99, paced failures, server CPU, max RSS.
func summaryRow(e scenarioEntry) []string {
	users := e.Dataset
	if users == "" {
		users = "-"
	}
	if e.Skipped != "" {
		return []string{e.Scenario, users, "skipped", "", "", "", "", "", ""}
	}
	if e.Key == nil {
		// No load of its own (idlemem, startup, idleconns): its figures
		// are in its target line. During startup the server of the row
		// only sits idle, so its memory would mislead.
		rss := mb(e.MaxRSSKB)
		if slices.Contains(noPeakTarget, e.Scenario) {
			rss = "-"
		}
		return []string{e.Scenario, users, "-", "-", "-", "-", "-", "-", rss}
	}
	k := e.Key
	name := e.Scenario
	if name == "loginflood" {
		name += " (reads)" // its headline is the reads beside the flood
	}
	return []string{name, users,
		fmt.Sprintf("%.0f", k.Throughput), fmt.Sprintf("%.0f", k.PacedRate),
		fmt.Sprintf("%.2f", k.PacedP50Ms), fmt.Sprintf("%.2f", k.PacedP99Ms),
		fmt.Sprintf("%d/%d", k.PacedFailed, k.PacedScheduled), pct(e.ServerCPUPct), mb(e.MaxRSSKB)}
}

var summaryHeader = []string{"scenario", "users", "max ok/s", "paced /s", "p50 ms", "p99 ms", "paced failed", "srv CPU", "max RSS"}

// hashLine describes the hashing cost and ceiling.
func hashLine(s *suite) string {
	h := s.Hash
	if h == nil {
		return ""
	}
	workers := h.ConfigWorkers
	if len(s.Datasets) > 0 {
		workers = s.Datasets[0].HashWorkers
	}
	return fmt.Sprintf("%s: one verify %.1f ms in the bench's process (median of %d) x %d CPUs = ceiling %.0f logins/s (hashing workers in the server: %d); bcrypt-10 verify %.1f ms",
		h.Params, h.ArgonVerifyMs, h.Samples, s.Machine.NumCPU, loginCeiling(s.Machine.NumCPU, h.ArgonVerifyMs), workers, h.BcryptVerifyMs)
}

// datasetLine describes how a dataset was made.
func datasetLine(d datasetInfo) string {
	extra := ""
	if d.BcryptUsers > 0 {
		extra = fmt.Sprintf(" + %d imported bcrypt-10 users", d.BcryptUsers)
	}
	return fmt.Sprintf("%s users (%d%s): seeded straight into data.db in %.2f s (%.0f users/s)%s, sample logged in over HTTP in %.1f s; hashing workers %d",
		d.Label, d.Users, extra, d.SeedSec, float64(d.Users+d.BcryptUsers)/max(d.SeedSec, 1e-9), historyText(d), d.SampleSec, d.HashWorkers)
}

// mixedLine splits the mixed load's closed loop by kind.
func mixedLine(s *suite) string {
	for _, r := range s.reports {
		if r.Scenario != "mixed" || len(r.Phases) == 0 {
			continue
		}
		st := r.Phases[0].Streams[0]
		var parts []string
		for _, k := range []string{"read", "refresh", "login"} {
			if kr, ok := st.Kinds[k]; ok {
				parts = append(parts, fmt.Sprintf("%s %.0f/s (p99 %.2f ms, %s)", k, kr.Throughput, kr.Latency.P99Ms, outcomeList(kr.Outcomes)))
			}
		}
		return "mixed, closed loop by kind: " + strings.Join(parts, "; ")
	}
	return ""
}

// printSuiteText writes the summary for the terminal.
func printSuiteText(w io.Writer, s *suite) {
	fmt.Fprintf(w, "\nGatehouse bench summary: -scenario %s (%s)\n", s.Settings.Given, s.Settings.Scenarios)
	if l := hashLine(s); l != "" {
		fmt.Fprintf(w, "hashing: %s\n", l)
	}
	for _, d := range s.Datasets {
		fmt.Fprintf(w, "dataset: %s\n", datasetLine(d))
	}
	fmt.Fprintln(w)
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(summaryHeader, "\t"))
	for _, e := range s.Scenarios {
		fmt.Fprintln(tw, strings.Join(summaryRow(e), "\t"))
	}
	tw.Flush()
	if l := mixedLine(s); l != "" {
		fmt.Fprintln(w, l)
	}
	fmt.Fprintf(w, "\ntargets:\n")
	for _, t := range s.Targets {
		fmt.Fprintf(w, "  %s  %s\n", verdict(t.Pass), targetText(t))
	}
	for _, n := range s.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	fmt.Fprintf(w, "overall: %s\n", verdict(s.Pass))
}

// targetText is "name: value unit (want op limit) [note]".
func targetText(t target) string {
	s := fmt.Sprintf("%s: %.1f %s (want %s %.0f)", t.Name, t.Value, t.Unit, t.Op, t.Limit)
	if t.Note != "" {
		s += " [" + t.Note + "]"
	}
	return s
}
