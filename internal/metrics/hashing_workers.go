package metrics

import (
	"sync/atomic"

	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/prometheus/client_golang/prometheus"
)

// hashingWorkers exports hashing.WorkerStats, read at every scrape: how
// many worker processes run, were started and ended (and why), their
// memory, and how many hashes were abandoned by their callers. Together
// they show an operator, and the tests, that clients hanging up do not
// make the server fork: starts stay put while abandoned grows.
type hashingWorkers struct {
	read atomic.Pointer[func() hashing.WorkerStats]

	processes, starts, exits, resident, peak, abandoned, inProcess *prometheus.Desc
}

// exitReasons are the label values of gatehouse_hashing_worker_exits_total,
// all exported from the first scrape.
var exitReasons = []string{"crash", "hung", "protocol", "idle"}

func newHashingWorkers() *hashingWorkers {
	return &hashingWorkers{
		processes: prometheus.NewDesc("gatehouse_hashing_worker_processes",
			"Password hashing worker processes running now (at most the hashing pool's size).", nil, nil),
		starts: prometheus.NewDesc("gatehouse_hashing_worker_starts_total",
			"Password hashing worker processes started since the server started: the first ones and every replacement.", nil, nil),
		exits: prometheus.NewDesc("gatehouse_hashing_worker_exits_total",
			"Password hashing worker processes that ended while the server ran, by reason: crash (ended on its own: "+
				"the OOM killer, a signal, a fatal error; replaced with backoff), hung (killed by the server: no answer in time) or "+
				"protocol (stopped by the server: broke the wire protocol) or idle (stopped by the server after "+
				"passwords.worker_idle_timeout without work; the next login starts one). A client that hangs up ends none.",
			[]string{"reason"}, nil),
		resident: prometheus.NewDesc("gatehouse_hashing_worker_resident_bytes",
			"Resident memory (VmRSS) of the running password hashing worker processes, summed (Linux; 0 elsewhere).", nil, nil),
		peak: prometheus.NewDesc("gatehouse_hashing_worker_resident_peak_bytes",
			"Largest peak resident memory (VmHWM) of one running password hashing worker process (Linux; 0 elsewhere).", nil, nil),
		abandoned: prometheus.NewDesc("gatehouse_hashing_abandoned_total",
			"Password hashes whose caller went away while a worker ran them; the worker finished (or skipped) the hash, "+
				"dropped the result and stayed.", nil, nil),
		inProcess: prometheus.NewDesc("gatehouse_hashing_in_process",
			"1 when passwords are hashed in the server's own process (configured so, or worker processes could not start).", nil, nil),
	}
}

func (h *hashingWorkers) Describe(ch chan<- *prometheus.Desc) {
	for _, d := range []*prometheus.Desc{h.processes, h.starts, h.exits, h.resident, h.peak, h.abandoned, h.inProcess} {
		ch <- d
	}
}

func (h *hashingWorkers) Collect(ch chan<- prometheus.Metric) {
	var s hashing.WorkerStats
	if f := h.read.Load(); f != nil {
		s = (*f)()
	}
	gauge := func(d *prometheus.Desc, v float64) { ch <- prometheus.MustNewConstMetric(d, prometheus.GaugeValue, v) }
	counter := func(d *prometheus.Desc, v uint64, labels ...string) {
		ch <- prometheus.MustNewConstMetric(d, prometheus.CounterValue, float64(v), labels...)
	}
	gauge(h.processes, float64(s.Processes))
	counter(h.starts, s.Started)
	for i, v := range []uint64{s.Crashed, s.Hung, s.Broken, s.Idle} {
		counter(h.exits, v, exitReasons[i])
	}
	gauge(h.resident, float64(s.ResidentBytes))
	gauge(h.peak, float64(s.PeakResidentBytes))
	counter(h.abandoned, s.Abandoned)
	in := 0.0
	if s.InProcess {
		in = 1
	}
	gauge(h.inProcess, in)
}

// WatchHashingWorkers makes the hashing-worker metrics read stats at
// every scrape (hashing.Hasher.WorkerStats). The metrics are registered
// on the first call, so a Metrics nobody hashes for does not export
// them; a later call replaces the func, and nil makes them read zero.
func (m *Metrics) WatchHashingWorkers(stats func() hashing.WorkerStats) {
	m.workersOnce.Do(func() {
		m.workers = newHashingWorkers()
		m.reg.MustRegister(m.workers)
	})
	if stats == nil {
		m.workers.read.Store(nil)
		return
	}
	m.workers.read.Store(&stats)
}
