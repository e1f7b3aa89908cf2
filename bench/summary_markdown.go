package main

import (
	"fmt"
	"io"
	"strings"
)

// printSuiteMarkdown writes the summary as a section for
// bench/RESULTS.md; charts are the chart files' paths relative to bench/.
func printSuiteMarkdown(w io.Writer, s *suite, charts []string) {
	m, st := s.Machine, s.Settings
	fmt.Fprintf(w, "## Harness run, %s (`-scenario %s`)\n\n", m.Date, st.Given)
	fmt.Fprintf(w, "- Machine: `nproc` = %d, %s, %s, %s, kernel %s\n", m.NumCPU, m.CPUModel, m.MemTotal, m.OSArch, m.Kernel)
	fmt.Fprintf(w, "- Build: %s, commit `%s` (tree outside bench/: %s)\n", m.GoVersion, m.Commit, m.TreeStatus)
	env := "none"
	if len(st.ServerEnv) > 0 {
		env = "`" + strings.Join(st.ServerEnv, " ") + "`"
	}
	prof := ""
	if st.Profiling {
		prof = "; server built with the pprof hook (-pprof)"
	}
	fmt.Fprintf(w, "- Load: each scenario runs a closed loop of %d connections for %g s (max ok/s), then an open loop at %.0f%% of that rate for %g s (latency from the intended send time, so without coordinated omission), after a %g s warm-up; %d users logged in per dataset; server env beyond the bench's: %s%s\n",
		st.Concurrency, st.PhaseSec, 100*st.PacedShare, st.PhaseSec, st.WarmupSec, st.SampleUsers, env, prof)
	if l := hashLine(s); l != "" {
		fmt.Fprintf(w, "- Hashing: %s\n", l)
	}
	for _, d := range s.Datasets {
		fmt.Fprintf(w, "- Dataset: %s\n", datasetLine(d))
	}
	fmt.Fprintf(w, "\n| %s |\n|---|---|---:|---:|---:|---:|---:|---:|---:|\n", strings.Join(summaryHeader, " | "))
	for _, e := range s.Scenarios {
		fmt.Fprintf(w, "| %s |\n", strings.Join(summaryRow(e), " | "))
	}
	if l := mixedLine(s); l != "" {
		fmt.Fprintf(w, "\n%s.\n", strings.ToUpper(l[:1])+l[1:])
	}
	fmt.Fprintf(w, "\n| target | value | want | result |\n|---|---:|---|---|\n")
	for _, t := range s.Targets {
		name := t.Name
		if t.Note != "" {
			name += " (" + t.Note + ")"
		}
		fmt.Fprintf(w, "| %s | %.1f %s | %s %.0f | %s |\n", name, t.Value, t.Unit, t.Op, t.Limit, verdict(t.Pass))
	}
	fmt.Fprintf(w, "\nOverall: **%s**\n", verdict(s.Pass))
	if ctx := pocketBaseContext(s); ctx != "" {
		fmt.Fprintf(w, "\n%s\n", ctx)
	}
	if len(s.Notes) > 0 {
		fmt.Fprintln(w)
		for _, n := range s.Notes {
			fmt.Fprintf(w, "- %s\n", n)
		}
	}
	if len(charts) > 0 {
		fmt.Fprintln(w)
		for _, c := range charts {
			name := strings.TrimSuffix(c[strings.LastIndex(c, "/")+1:], ".png")
			fmt.Fprintf(w, "![%s](%s)\n", name, c)
		}
	}
}

// pocketBaseContext compares our shares of the bare handler with
// PocketBase's, measured by issue 8 on the same kind of machine.
func pocketBaseContext(s *suite) string {
	f := figuresOf(s.reports, s.Hash, s.std)
	if f.bare == 0 || (f.read == 0 && f.refresh == 0) {
		return ""
	}
	pb := fmt.Sprintf("For context, PocketBase v0.39 on the same kind of 2-core machine (issue 8): %d refreshes/s (%.0f%% of its bare handler's %d/s) and %d authenticated reads/s (%.0f%%).",
		pbRefreshPerSec, 100.0*pbRefreshPerSec/pbBarePerSec, pbBarePerSec, pbReadPerSec, 100.0*pbReadPerSec/pbBarePerSec)
	if f.refreshPair != nil && f.readPair != nil {
		return pb + fmt.Sprintf(" Here, in the paired rounds: refresh %.0f%% and read %.0f%% of the bare handler beside them (medians; closed loops alone: refresh %.0f/s, read %.0f/s, bare %.0f/s).",
			f.refreshPair.SharePct, f.readPair.SharePct, f.refresh, f.read, f.bare)
	}
	return pb + fmt.Sprintf(" Here: refresh %.0f/s (%.0f%% of %.0f/s), read %.0f/s (%.0f%%).",
		f.refresh, 100*f.refresh/f.bare, f.bare, f.read, 100*f.read/f.bare)
}
