package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// suite is the result of one invocation across its scenarios, written as
// bench/out/summary.json and summary.md (the section for
// bench/RESULTS.md).
type suite struct {
	Machine   machine         `json:"machine"`
	Settings  suiteSettings   `json:"settings"`
	Hash      *hashCost       `json:"hash,omitempty"`
	Datasets  []datasetInfo   `json:"datasets"`
	Scenarios []scenarioEntry `json:"scenarios"`
	Targets   []target        `json:"targets"`
	Pass      bool            `json:"pass"`
	Notes     []string        `json:"notes,omitempty"`
	Memory    []memSeries     `json:"memory"`

	reports []*report
	std     string // the standard dataset's label
}

// suiteSettings are the options every scenario of the run shared.
type suiteSettings struct {
	Given       string   `json:"scenario_flag"` // -scenario as given
	Scenarios   string   `json:"scenarios"`     // what that ran, in order
	PhaseSec    float64  `json:"phase_sec"`
	WarmupSec   float64  `json:"warmup_sec"`
	Concurrency int      `json:"concurrency"`
	PacedShare  float64  `json:"paced_share"`
	SampleUsers int      `json:"sample_users"`
	Profiling   bool     `json:"profiling"`
	ServerEnv   []string `json:"server_env"`
}

// scenarioEntry is one scenario's line in the summary.
type scenarioEntry struct {
	Scenario string      `json:"scenario"`
	Dataset  string      `json:"dataset,omitempty"`
	Key      *keyFigures `json:"key,omitempty"`
	Skipped  string      `json:"skipped,omitempty"`
	// ServerCPUPct is the server's CPU in the closed-loop phase.
	ServerCPUPct float64 `json:"server_cpu_pct"`
	MaxRSSKB     int64   `json:"max_rss_kb"`
	Pass         bool    `json:"pass"`
}

// memSeries is one server's resident memory over its whole life.
type memSeries struct {
	Label   string      `json:"label"`
	Samples []memSample `json:"samples"`
}

func newSuite(m machine, o options, passed []string) *suite {
	return &suite{Machine: m, std: countLabel(o.seedUsers), Settings: suiteSettings{
		Given: o.scenario, Scenarios: strings.Join(o.scenarios, ","), PhaseSec: o.duration.Seconds(), WarmupSec: o.warmup.Seconds(),
		Concurrency: o.concurrency, PacedShare: o.pacedShare, SampleUsers: o.users, Profiling: o.pprof,
		ServerEnv: append([]string{}, passed...),
	}}
}

// add records one finished scenario.
func (s *suite) add(r *report) {
	s.reports = append(s.reports, r)
	e := scenarioEntry{Scenario: r.Scenario, Dataset: r.Dataset, Key: r.Key, Skipped: r.Skipped,
		MaxRSSKB: max(r.MaxRSSKB, r.PeakRSSKB), Pass: r.Pass}
	for _, p := range r.Phases {
		if p.Name == "max" || p.Name == "flood" {
			e.ServerCPUPct = p.ServerCPUPct
		}
	}
	s.Scenarios = append(s.Scenarios, e)
}

// judge computes the cross-scenario targets, adds each scenario's own
// (the flood's), and the verdict.
func (s *suite) judge() {
	s.Targets, s.Notes = crossTargets(figuresOf(s.reports, s.std))
	for _, r := range s.reports {
		for _, t := range r.Targets {
			t.Name = r.Scenario + ": " + t.Name
			s.Targets = append(s.Targets, t)
		}
		for _, n := range r.Notes {
			s.Notes = append(s.Notes, r.Scenario+": "+n)
		}
		if r.Skipped != "" {
			s.Notes = append(s.Notes, r.Scenario+": skipped: "+r.Skipped)
		}
	}
	s.Pass = allPass(s.Targets)
}

// writeSuite writes summary.json and summary.md, draws the charts,
// prints the summary, and with -record puts the section into
// bench/RESULTS.md.
func (b *bench) writeSuite() error {
	s, o := b.results, b.opts
	if err := os.MkdirAll(b.out, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(b.out, "summary.json"), append(js, '\n'), 0o644); err != nil {
		return err
	}
	charts := o.chartsDir
	if charts == "" {
		charts = filepath.Join(b.out, "charts")
		if o.scenario == "all" {
			charts = filepath.Join(b.root, "bench", "charts")
		}
	}
	names, err := drawCharts(s, charts)
	if err != nil {
		return err
	}
	// Links in the section are relative to bench/, where RESULTS.md is.
	var links []string
	for _, n := range names {
		rel, err := filepath.Rel(filepath.Join(b.root, "bench"), filepath.Join(charts, n))
		if err != nil {
			rel = filepath.Join(charts, n)
		}
		links = append(links, filepath.ToSlash(rel))
	}
	var md strings.Builder
	printSuiteMarkdown(&md, s, links)
	mdPath := filepath.Join(b.out, "summary.md")
	if err := os.WriteFile(mdPath, []byte(md.String()), 0o644); err != nil {
		return err
	}
	printSuiteText(b.stdout, s)
	b.progressf("wrote %s, %s and %d charts in %s", filepath.Join(b.out, "summary.json"), mdPath, len(names), charts)
	if o.record {
		path := filepath.Join(b.root, "bench", "RESULTS.md")
		if err := recordSection(path, md.String()); err != nil {
			return fmt.Errorf("recording in %s: %w", path, err)
		}
		b.progressf("recorded the section at the top of %s's history", path)
	}
	return nil
}

// recordSection inserts section into the results file at path, before
// its first "## " heading (the newest recorded run), so the file's
// introduction stays first and the history stays below.
func recordSection(path, section string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(insertSection(string(b), section)), 0o644)
}

// insertSection puts section before the first line of doc that starts
// with "## ", or at the end when there is none.
func insertSection(doc, section string) string {
	section = strings.TrimRight(section, "\n") + "\n\n"
	if strings.HasPrefix(doc, "## ") {
		return section + doc
	}
	if i := strings.Index(doc, "\n## "); i >= 0 {
		return doc[:i+1] + section + doc[i+1:]
	}
	return strings.TrimRight(doc, "\n") + "\n\n" + section
}
