package metrics

import (
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

func TestHashingWorkers(t *testing.T) {
	t.Parallel()
	m := New()
	stats := hashing.WorkerStats{
		Processes: 2, Started: 5, Crashed: 2, Hung: 1, Broken: 0, Idle: 4,
		ResidentBytes: 50 << 20, PeakResidentBytes: 30 << 20, Abandoned: 200,
	}
	m.WatchHashingWorkers(func() hashing.WorkerStats { return stats })
	want := `
# HELP gatehouse_hashing_worker_processes Password hashing worker processes running now (at most the hashing pool's size).
# TYPE gatehouse_hashing_worker_processes gauge
gatehouse_hashing_worker_processes 2
# HELP gatehouse_hashing_worker_starts_total Password hashing worker processes started since the server started: the first ones and every replacement.
# TYPE gatehouse_hashing_worker_starts_total counter
gatehouse_hashing_worker_starts_total 5
# HELP gatehouse_hashing_worker_resident_bytes Resident memory (VmRSS) of the running password hashing worker processes, summed (Linux; 0 elsewhere).
# TYPE gatehouse_hashing_worker_resident_bytes gauge
gatehouse_hashing_worker_resident_bytes 5.24288e+07
# HELP gatehouse_hashing_worker_resident_peak_bytes Largest peak resident memory (VmHWM) of one running password hashing worker process (Linux; 0 elsewhere).
# TYPE gatehouse_hashing_worker_resident_peak_bytes gauge
gatehouse_hashing_worker_resident_peak_bytes 3.145728e+07
# HELP gatehouse_hashing_abandoned_total Password hashes whose caller went away while a worker ran them; the worker finished (or skipped) the hash, dropped the result and stayed.
# TYPE gatehouse_hashing_abandoned_total counter
gatehouse_hashing_abandoned_total 200
# HELP gatehouse_hashing_in_process 1 when passwords are hashed in the server's own process (configured so, or worker processes could not start).
# TYPE gatehouse_hashing_in_process gauge
gatehouse_hashing_in_process 0
`
	names := []string{
		"gatehouse_hashing_worker_processes", "gatehouse_hashing_worker_starts_total",
		"gatehouse_hashing_worker_resident_bytes", "gatehouse_hashing_worker_resident_peak_bytes",
		"gatehouse_hashing_abandoned_total", "gatehouse_hashing_in_process",
	}
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(want), names...); err != nil {
		t.Error(err)
	}
	// Every exit reason is a series from the first scrape, zero or not.
	exits := map[string]float64{}
	mfs, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	for _, mf := range mfs {
		if mf.GetName() != "gatehouse_hashing_worker_exits_total" {
			continue
		}
		for _, s := range mf.GetMetric() {
			exits[s.GetLabel()[0].GetValue()] = s.GetCounter().GetValue()
		}
	}
	if exits["crash"] != 2 || exits["hung"] != 1 || exits["protocol"] != 0 || exits["idle"] != 4 || len(exits) != 4 {
		t.Errorf("exits by reason = %v", exits)
	}
	// A second watch replaces the first, and nil reads zero.
	stats.Started = 6
	m.WatchHashingWorkers(func() hashing.WorkerStats { return stats })
	m.WatchHashingWorkers(nil)
	if err := testutil.GatherAndCompare(m.reg, strings.NewReader(`
# HELP gatehouse_hashing_worker_starts_total Password hashing worker processes started since the server started: the first ones and every replacement.
# TYPE gatehouse_hashing_worker_starts_total counter
gatehouse_hashing_worker_starts_total 0
`), "gatehouse_hashing_worker_starts_total"); err != nil {
		t.Error(err)
	}
}
