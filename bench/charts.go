package main

import (
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// drawCharts draws the run's charts into dir and returns their file
// names: throughput.png and p99.png (a bar per scenario and dataset) and
// memory.png (each server's resident memory over its life). A chart with
// nothing to show is not drawn.
func drawCharts(s *suite, dir string) ([]string, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	var names []string
	series, groups := barData(s, func(k *keyFigures) float64 { return k.Throughput })
	if len(groups) > 0 {
		c := barChart{title: fmt.Sprintf("Most successful requests per second (closed loop, %d connections)", s.Settings.Concurrency),
			unit: "/s", series: series, groups: groups}
		if err := c.render().save(filepath.Join(dir, "throughput.png")); err != nil {
			return nil, err
		}
		names = append(names, "throughput.png")
		_, groups = barData(s, func(k *keyFigures) float64 { return k.PacedP99Ms })
		c = barChart{title: fmt.Sprintf("p99 latency in ms at %.0f%% of that rate (open loop, from the intended send time)", 100*s.Settings.PacedShare),
			unit: " ms", series: series, groups: groups}
		if err := c.render().save(filepath.Join(dir, "p99.png")); err != nil {
			return nil, err
		}
		names = append(names, "p99.png")
	}
	if len(s.Memory) > 0 {
		l := lineChart{title: "Gatehouse resident memory (VmRSS, sampled every 250 ms) over each server's run",
			yUnit: " MB", limit: scenarioMaxRSSMB, limitLabel: fmt.Sprintf("per-scenario peak limit %.0f MB", scenarioMaxRSSMB)}
		for _, m := range s.Memory {
			l.panels = append(l.panels, memoryPanel(m))
		}
		if err := l.render().save(filepath.Join(dir, "memory.png")); err != nil {
			return nil, err
		}
		names = append(names, "memory.png")
	}
	return names, nil
}

// barData arranges the scenarios' headline figures as bar groups in run
// order: one group per scenario, one series per dataset (the standard
// dataset first; the bare handler, which has none, goes with it).
func barData(s *suite, value func(*keyFigures) float64) (series []string, groups []barGroup) {
	col := map[string]int{s.std: 0, "": 0}
	series = []string{s.std + " users"}
	for _, e := range s.Scenarios {
		if _, ok := col[e.Dataset]; !ok {
			col[e.Dataset] = len(series)
			series = append(series, e.Dataset+" users")
		}
	}
	at := map[string]int{}
	for _, e := range s.Scenarios {
		if e.Key == nil {
			continue
		}
		i, ok := at[e.Scenario]
		if !ok {
			i = len(groups)
			at[e.Scenario] = i
			g := barGroup{label: barLabel(e.Scenario), values: make([]float64, len(series))}
			for j := range g.values {
				g.values[j] = math.NaN()
			}
			groups = append(groups, g)
		}
		groups[i].values[col[e.Dataset]] = value(e.Key)
	}
	return series, groups
}

// barLabel names a scenario on a chart.
func barLabel(scenario string) string {
	switch scenario {
	case "bare":
		return "bare handler"
	case "loginflood":
		return "reads in login flood"
	}
	return scenario
}
