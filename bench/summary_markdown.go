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
	targetTableMarkdown(w, s.Targets)
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

// pocketBaseContext compares our shares of the bare handler (the paired
// rounds' medians, as the targets judge them) with PocketBase's, measured
// by issue 8 on the same kind of machine.
func pocketBaseContext(s *suite) string {
	f := figuresOf(s.reports, s.std)
	var here, alone []string
	if f.refreshPair != nil {
		here = append(here, fmt.Sprintf("refresh %.0f%%", f.refreshPair.SharePct))
		alone = append(alone, fmt.Sprintf("refresh %.0f/s", f.refresh))
	}
	if f.readPair != nil {
		here = append(here, fmt.Sprintf("read %.0f%%", f.readPair.SharePct))
		alone = append(alone, fmt.Sprintf("read %.0f/s", f.read))
	}
	if len(here) == 0 {
		return ""
	}
	return fmt.Sprintf("For context, PocketBase v0.39 on the same kind of 2-core machine (issue 8): %d refreshes/s (%.0f%% of its bare handler's %d/s) and %d authenticated reads/s (%.0f%%).",
		pbRefreshPerSec, 100.0*pbRefreshPerSec/pbBarePerSec, pbBarePerSec, pbReadPerSec, 100.0*pbReadPerSec/pbBarePerSec) +
		fmt.Sprintf(" Here, in the paired rounds: %s of the bare handler beside them (medians; closed loops alone: %s, bare %.0f/s).",
			strings.Join(here, " and "), strings.Join(alone, ", "), f.bare)
}

// targetTableMarkdown writes targets as a Markdown table, each note in
// parentheses after its name.
func targetTableMarkdown(w io.Writer, ts []target) {
	fmt.Fprintf(w, "\n| target | value | want | result |\n|---|---:|---|---|\n")
	for _, t := range ts {
		name := t.Name
		if t.Note != "" {
			name += " (" + t.Note + ")"
		}
		fmt.Fprintf(w, "| %s | %.1f %s | %s %.0f | %s |\n", name, t.Value, t.Unit, t.Op, t.Limit, verdict(t.Pass))
	}
}
