package main

import (
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// printText writes the human-readable report.
func printText(w io.Writer, r *report) {
	m := r.Machine
	fmt.Fprintf(w, "\nGatehouse bench: %s%s\n", r.Scenario, datasetNote(r))
	fmt.Fprintf(w, "machine: %d CPUs (%s), %s, %s, kernel %s\n", m.NumCPU, m.CPUModel, m.MemTotal, m.OSArch, m.Kernel)
	fmt.Fprintf(w, "build:   %s, commit %s (tree outside bench/: %s), %s\n", m.GoVersion, short(m.Commit), m.TreeStatus, m.Date)
	s := r.Settings
	fmt.Fprintf(w, "setup:   %d users logged in, phases of %.0fs, connections %d, paced at %.0f%% of the closed loop, hash workers %d",
		s.Users, s.PhaseSec, s.Concurrency, 100*s.PacedShare, s.HashWorkers)
	if len(s.ServerEnv) > 0 {
		fmt.Fprintf(w, ", server env %v", s.ServerEnv)
	}
	fmt.Fprintln(w)
	if c := r.Ceiling; c != nil {
		fmt.Fprintf(w, "ceiling: single login %.1f ms (median of %d) x %d workers = %.0f logins/s; flood at %.0fx = %.0f/s (%s credentials)\n",
			c.MedianLoginMs, c.Samples, c.Workers, c.LoginsPerSec, s.FloodFactor, c.FloodRate, s.FloodLogins)
	}
	fmt.Fprintln(w)
	if r.Skipped != "" {
		fmt.Fprintf(w, "skipped: %s\n", r.Skipped)
		return
	}
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "phase\tstream\tload\tok/s\tp50 ms\tp90 ms\tp99 ms\tmax ms\toutcomes\tsrv CPU\tbench CPU\tmax RSS")
	for _, p := range r.Phases {
		for i, st := range p.Streams {
			cpuS, cpuB, rss := "", "", ""
			if i == 0 {
				cpuS, cpuB, rss = pct(p.ServerCPUPct), pct(p.BenchCPUPct), mb(p.MaxRSSKB)
			}
			l := st.Latency
			fmt.Fprintf(tw, "%s\t%s\t%s\t%.0f\t%.2f\t%.2f\t%.2f\t%.1f\t%s\t%s\t%s\t%s\n",
				p.Name, st.Name, loadLabel(st), st.Throughput, l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs,
				outcomeList(st.Outcomes), cpuS, cpuB, rss)
		}
	}
	tw.Flush()
	fmt.Fprintf(w, "\nserver memory: max sampled VmRSS %s, VmHWM %s\n", mb(r.MaxRSSKB), mb(r.PeakRSSKB))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "note: %s\n", n)
	}
	if len(r.Targets) == 0 {
		fmt.Fprintln(w, "targets: none of its own (the summary compares it with the other scenarios)")
		return
	}
	fmt.Fprintln(w, "\ntargets:")
	for _, t := range r.Targets {
		fmt.Fprintf(w, "  %s  %s\n", verdict(t.Pass), targetText(t))
	}
	fmt.Fprintf(w, "overall: %s\n", verdict(r.Pass))
}

// printMarkdown writes the same report as a Markdown section for
// bench/RESULTS.md.
func printMarkdown(w io.Writer, r *report) {
	m, s := r.Machine, r.Settings
	fmt.Fprintf(w, "### %s%s, %s\n\n", r.Scenario, datasetNote(r), m.Date)
	fmt.Fprintf(w, "- Machine: `nproc` = %d, %s, %s, %s, kernel %s\n", m.NumCPU, m.CPUModel, m.MemTotal, m.OSArch, m.Kernel)
	fmt.Fprintf(w, "- Build: %s, commit `%s` (tree outside bench/: %s)\n", m.GoVersion, m.Commit, m.TreeStatus)
	env := "none"
	if len(s.ServerEnv) > 0 {
		env = "`" + strings.Join(s.ServerEnv, " ") + "`"
	}
	fmt.Fprintf(w, "- Settings: %d users logged in, %.0f s phases, %d connections, paced at %.0f%% of the closed loop, %d hash workers, server env beyond the bench's: %s\n",
		s.Users, s.PhaseSec, s.Concurrency, 100*s.PacedShare, s.HashWorkers, env)
	if r.Skipped != "" {
		fmt.Fprintf(w, "\nSkipped: %s\n", r.Skipped)
		return
	}
	if c := r.Ceiling; c != nil {
		fmt.Fprintf(w, "- Hashing ceiling: single login %.1f ms (median of %d) x %d workers = %.0f logins/s; flood %.0fx = %.0f logins/s, %s credentials\n",
			c.MedianLoginMs, c.Samples, c.Workers, c.LoginsPerSec, s.FloodFactor, c.FloodRate, s.FloodLogins)
	}
	fmt.Fprintf(w, "\n| phase | stream | load | ok/s | p50 ms | p90 ms | p99 ms | max ms | outcomes | server CPU | bench CPU | max RSS |\n")
	fmt.Fprintf(w, "|---|---|---|---:|---:|---:|---:|---:|---|---:|---:|---:|\n")
	for _, p := range r.Phases {
		for i, st := range p.Streams {
			cpuS, cpuB, rss := "", "", ""
			if i == 0 {
				cpuS, cpuB, rss = pct(p.ServerCPUPct), pct(p.BenchCPUPct), mb(p.MaxRSSKB)
			}
			l := st.Latency
			fmt.Fprintf(w, "| %s | %s | %s | %.0f | %.2f | %.2f | %.2f | %.1f | %s | %s | %s | %s |\n",
				p.Name, st.Name, loadLabel(st), st.Throughput, l.P50Ms, l.P90Ms, l.P99Ms, l.MaxMs,
				outcomeList(st.Outcomes), cpuS, cpuB, rss)
		}
	}
	fmt.Fprintf(w, "\nServer memory: max sampled VmRSS %s, VmHWM %s.\n", mb(r.MaxRSSKB), mb(r.PeakRSSKB))
	for _, n := range r.Notes {
		fmt.Fprintf(w, "\nNote: %s\n", n)
	}
	if len(r.Targets) == 0 {
		fmt.Fprintf(w, "\nNo targets of its own: the summary compares it with the other scenarios.\n")
		return
	}
	targetTableMarkdown(w, r.Targets)
	fmt.Fprintf(w, "\nOverall: **%s**\n", verdict(r.Pass))
}

// datasetNote describes the seeded users behind a report.
func datasetNote(r *report) string {
	if r.Dataset == "" {
		return ""
	}
	return fmt.Sprintf(" (%s users seeded: %d)", r.Dataset, r.SeededUsers)
}

// short abbreviates a commit hash.
func short(commit string) string {
	if len(commit) > 12 {
		return commit[:12]
	}
	return commit
}
