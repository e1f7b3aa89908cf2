package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
)

// report is the machine-readable result of one scenario on one dataset,
// written as bench/out/<scenario>.json (<scenario>-<dataset>.json for the
// large dataset).
type report struct {
	Scenario string `json:"scenario"`
	// Dataset labels the users seeded before the server started ("1k",
	// "1M"); empty for the bare handler.
	Dataset     string   `json:"dataset,omitempty"`
	SeededUsers int      `json:"seeded_users,omitempty"`
	Machine     machine  `json:"machine"`
	Settings    settings `json:"settings"`
	Ceiling     *ceiling `json:"ceiling,omitempty"`
	Phases      []phase  `json:"phases"`
	// Paired is the scenario measured in turns with its target's
	// reference (paired.go): the bare handler, the hashing ceiling, the
	// standard dataset's server, or reads alone.
	Paired *pairing `json:"paired,omitempty"`
	// Key holds the figures the summary and the charts show.
	Key *keyFigures `json:"key,omitempty"`
	// Skipped says why the scenario measured nothing (its surface is not
	// mounted); Phases is then empty.
	Skipped string   `json:"skipped,omitempty"`
	Targets []target `json:"targets"`
	Pass    bool     `json:"pass"`
	Notes   []string `json:"notes,omitempty"`
	// MaxRSSKB is the largest sampled VmRSS during the scenario;
	// PeakRSSKB the kernel's VmHWM at its end, reset at its start (so it
	// also sees spikes between samples, and only this scenario's). Both
	// add up the server and its hashing workers (proctree.go).
	MaxRSSKB  int64       `json:"max_rss_kb"`
	PeakRSSKB int64       `json:"peak_rss_kb"`
	Memory    []memSample `json:"memory"`
	// Idle, IdleConns and Startup are the figures of the idlemem,
	// idleconns and startup scenarios (memtargets.go, idleconns.go,
	// startup.go).
	Idle      *idleFigures     `json:"idle,omitempty"`
	IdleConns *idleConnFigures `json:"idle_conns,omitempty"`
	Startup   *startupFigures  `json:"startup,omitempty"`

	memLimitMB float64 // when > 0, finish adds a resident-memory target
	file       string  // base name of the .json and .md files
}

// keyFigures are a scenario's headline: the most it served (closed loop)
// and its latency at a fixed share of that (open loop, from the intended
// send time).
type keyFigures struct {
	Stream         string  `json:"stream"`
	Throughput     float64 `json:"max_ok_per_sec"`
	PacedRate      float64 `json:"paced_per_sec"`
	PacedP50Ms     float64 `json:"paced_p50_ms"`
	PacedP99Ms     float64 `json:"paced_p99_ms"`
	PacedScheduled int     `json:"paced_scheduled"`
	// PacedFailed counts paced requests that did not answer 200 (errors,
	// timeouts, not sent).
	PacedFailed int `json:"paced_failed"`
}

// keyFrom reads the headline from a closed-loop phase and its paced twin
// (the first stream of each).
func keyFrom(closed, paced phase) *keyFigures {
	c, p := closed.Streams[0], paced.Streams[0]
	return &keyFigures{
		Stream: c.Name, Throughput: c.Throughput, PacedRate: p.OfferedRate,
		PacedP50Ms: p.Latency.P50Ms, PacedP99Ms: p.Latency.P99Ms,
		PacedScheduled: p.Scheduled, PacedFailed: p.Scheduled - p.OK,
	}
}

// settings are the knobs a run used.
type settings struct {
	Users       int      `json:"users"`
	Concurrency int      `json:"concurrency"`
	PhaseSec    float64  `json:"phase_sec"`
	WarmupSec   float64  `json:"warmup_sec"`
	HashWorkers int      `json:"hash_workers"`
	FloodFactor float64  `json:"flood_factor,omitempty"`
	FloodLogins string   `json:"flood_logins,omitempty"`
	ReadRate    float64  `json:"paced_read_rate,omitempty"`
	PacedShare  float64  `json:"paced_share"`
	ServerEnv   []string `json:"server_env"` // settings given to the server beyond the bench's own
}

// ceiling is the measured capacity of the password-hashing pool.
type ceiling struct {
	Samples       int       `json:"samples"`
	LoginMs       []float64 `json:"login_ms"`
	MedianLoginMs float64   `json:"median_login_ms"`
	Workers       int       `json:"workers"`
	LoginsPerSec  float64   `json:"logins_per_sec"`
	FloodRate     float64   `json:"flood_per_sec"`
}

// phase is one measured stretch of load.
type phase struct {
	Name         string         `json:"name"`
	About        string         `json:"about"`
	ElapsedSec   float64        `json:"elapsed_sec"`
	Streams      []streamResult `json:"streams"`
	ServerCPUPct float64        `json:"server_cpu_pct"` // of one core; -1 when unknown
	BenchCPUPct  float64        `json:"bench_cpu_pct"`
	MaxRSSKB     int64          `json:"max_rss_kb"`
}

// target is one pass/fail check against issue 8's or issue 16's numbers.
type target struct {
	Name  string  `json:"name"`
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
	Op    string  `json:"op"` // ">=", "<" or "<="
	Limit float64 `json:"limit"`
	Pass  bool    `json:"pass"`
	Note  string  `json:"note,omitempty"`
}

func newTarget(name string, value float64, unit, op string, limit float64) target {
	pass := value < limit
	switch op {
	case ">=":
		pass = value >= limit
	case "<=":
		pass = value <= limit
	}
	return target{Name: name, Value: value, Unit: unit, Op: op, Limit: limit, Pass: pass}
}

// finish adds what the harness knows after the scenario: the machine,
// the settings every scenario shares, the scenario's memory samples and
// the memory target, and the verdict.
func (r *report) finish(m machine, h *harness, peakKB int64) {
	r.Machine = m
	o := h.opts
	s := &r.Settings
	s.Concurrency, s.PhaseSec, s.WarmupSec = o.concurrency, o.duration.Seconds(), o.warmup.Seconds()
	s.PacedShare, s.HashWorkers = o.pacedShare, h.workers
	s.ServerEnv = append([]string{}, h.passed...)
	if h.pop != nil {
		s.Users = len(h.pop.sample)
		r.Dataset, r.SeededUsers = h.pop.label, h.pop.users
	}
	r.file = r.Scenario + h.fileSuffix
	r.Memory = h.sampler.within(h.scenario)
	r.MaxRSSKB = h.sampler.maxRSSKB(h.scenario)
	r.PeakRSSKB = peakKB
	if r.memLimitMB > 0 {
		r.Targets = append(r.Targets, peakTarget(r))
	}
	r.Pass = allPass(r.Targets)
}

// writeReport writes <scenario>.json and <scenario>.md (a Markdown
// section to paste into bench/RESULTS.md), then prints the table.
func writeReport(r *report, dir string, stdout, stderr io.Writer) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	js, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	jsonPath := filepath.Join(dir, r.file+".json")
	if err := os.WriteFile(jsonPath, append(js, '\n'), 0o644); err != nil {
		return err
	}
	var md strings.Builder
	printMarkdown(&md, r)
	mdPath := filepath.Join(dir, r.file+".md")
	if err := os.WriteFile(mdPath, []byte(md.String()), 0o644); err != nil {
		return err
	}
	printText(stdout, r)
	fmt.Fprintf(stderr, "bench: wrote %s and %s\n", jsonPath, mdPath)
	return nil
}

// verdict is PASS or FAIL.
func verdict(pass bool) string {
	if pass {
		return "PASS"
	}
	return "FAIL"
}

// outcomeList renders outcome counts in a stable order: "200:5012 503:12".
func outcomeList(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = fmt.Sprintf("%s:%d", k, m[k])
	}
	return strings.Join(parts, " ")
}

// loadLabel describes how a stream was driven.
func loadLabel(s streamResult) string {
	if s.Mode == "closed" {
		return fmt.Sprintf("closed c=%d", s.Concurrency)
	}
	return fmt.Sprintf("open %.0f/s c=%d", s.OfferedRate, s.Concurrency)
}

// pct renders a CPU percentage, or "?" when unknown.
func pct(v float64) string {
	if v < 0 {
		return "?"
	}
	return fmt.Sprintf("%.0f%%", v)
}

func mb(kb int64) string { return fmt.Sprintf("%.1f MB", float64(kb)/1024) }
