// Package metrics is Prometheus metrics for Gatehouse: counts of logins,
// refreshes and rate-limit refusals (it implements core's Metrics), the
// password-hashing queue, request latency per route, and the known
// temporary conditions (core.Conditions).
//
// Each Metrics has its own registry, never the global one, so two servers
// in one process (as end-to-end tests run them) do not collide and
// nothing registers behind the caller's back.
package metrics

import (
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics collects Gatehouse's metrics. It is safe for concurrent use.
type Metrics struct {
	reg          *prometheus.Registry
	logins       *prometheus.CounterVec
	refreshes    *prometheus.CounterVec
	rateLimited  *prometheus.CounterVec
	hashingWait  prometheus.Histogram
	hashWorkers  prometheus.Gauge
	httpDuration *prometheus.HistogramVec
	// unavailable and conditionActive follow core.Conditions.
	unavailable     *prometheus.CounterVec
	conditionActive *prometheus.GaugeVec
	// queueDepth is the func WatchHashingQueue registered; nil reads 0.
	queueDepth atomic.Pointer[func() int]
	// workers are the hashing-worker metrics (hashing_workers.go),
	// registered by the first WatchHashingWorkers.
	workers     *hashingWorkers
	workersOnce sync.Once
}

// httpBuckets spans a cached token check (well under a millisecond) to a
// login stuck behind a busy hashing pool (seconds).
var httpBuckets = []float64{.0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5}

// waitBuckets start lower: most jobs find an idle worker and wait ~0, and
// the interesting part is the first milliseconds of queueing.
var waitBuckets = []float64{.0001, .0005, .001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}

// Label values core is known to use, pre-set to zero so every series
// exists from the first scrape (a rate over a missing series is empty,
// not zero). Values core adds later still appear on first use.
var (
	loginResults   = []string{"success", "failure", "locked", "rate_limited"}
	refreshKinds   = []string{"access_token", "refresh_token"}
	refreshResults = []string{"success", "failure", "reuse"}
	actions        = []core.Action{core.ActionLogin, core.ActionSignUp, core.ActionOTP, core.ActionPasswordReset,
		core.ActionVerification, core.ActionEmailChange, core.ActionRefresh}
)

// New creates the metrics in a fresh registry, together with the Go
// runtime and process collectors.
func New() *Metrics {
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		logins: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_logins_total",
			Help: "Password logins by result.",
		}, []string{"result"}),
		refreshes: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_refreshes_total",
			Help: "Token refreshes by kind of token presented and result.",
		}, []string{"kind", "result"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_rate_limited_total",
			Help: "Requests refused by a rate limit, by action.",
		}, []string{"action"}),
		hashingWait: prometheus.NewHistogram(prometheus.HistogramOpts{
			Name:    "gatehouse_hashing_wait_seconds",
			Help:    "Time a password hash waited for a free hashing worker.",
			Buckets: waitBuckets,
		}),
		hashWorkers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "gatehouse_hashing_workers",
			Help: "Password hashes that may run at once (the hashing pool's size).",
		}),
		httpDuration: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "gatehouse_http_request_duration_seconds",
			Help:    "HTTP request latency by route pattern, method and status code.",
			Buckets: httpBuckets,
		}, []string{"route", "method", "code"}),
		unavailable: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "gatehouse_unavailable_total",
			Help: "Store calls and password hashes refused by a known temporary condition (answered 503 with Retry-After), by condition.",
		}, []string{"condition"}),
		conditionActive: prometheus.NewGaugeVec(prometheus.GaugeOpts{
			Name: "gatehouse_condition_active",
			Help: "1 while a known temporary condition lasts (the disk full, the database busy, slow or unreachable, hashing saturated), else 0.",
		}, []string{"condition"}),
	}
	queueDepth := prometheus.NewGaugeFunc(prometheus.GaugeOpts{
		Name: "gatehouse_hashing_queue_depth",
		Help: "Password hashes waiting for a free hashing worker.",
	}, func() float64 {
		if f := m.queueDepth.Load(); f != nil {
			return float64((*f)())
		}
		return 0
	})
	m.reg.MustRegister(
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.logins, m.refreshes, m.rateLimited, m.hashingWait, m.hashWorkers, m.httpDuration, queueDepth,
		m.unavailable, m.conditionActive,
	)
	for _, c := range core.AllConditions() {
		m.unavailable.WithLabelValues(string(c))
		m.conditionActive.WithLabelValues(string(c))
	}
	for _, r := range loginResults {
		m.logins.WithLabelValues(r)
	}
	for _, k := range refreshKinds {
		for _, r := range refreshResults {
			m.refreshes.WithLabelValues(k, r)
		}
	}
	for _, a := range actions {
		m.rateLimited.WithLabelValues(string(a))
	}
	return m
}

// Login counts a password login by result.
func (m *Metrics) Login(result string) { m.logins.WithLabelValues(result).Inc() }

// Refresh counts a refresh by kind and result.
func (m *Metrics) Refresh(kind, result string) { m.refreshes.WithLabelValues(kind, result).Inc() }

// RateLimited counts a request refused by the rate limit of action.
func (m *Metrics) RateLimited(action core.Action) {
	m.rateLimited.WithLabelValues(string(action)).Inc()
}

// SetHashingWorkers records the hashing pool's size, so operators (and the
// benchmark) can compute the login ceiling: workers / time per hash.
func (m *Metrics) SetHashingWorkers(n int) { m.hashWorkers.Set(float64(n)) }

// WatchHashingQueue makes the queue-depth gauge read depth at every
// scrape (hashing.Hasher.Waiting). A later call replaces the func; nil
// makes the gauge read 0.
func (m *Metrics) WatchHashingQueue(depth func() int) {
	if depth == nil {
		m.queueDepth.Store(nil)
		return
	}
	m.queueDepth.Store(&depth)
}

// Unavailable counts one store call or hash refused by condition c
// (core.ConditionsOptions.OnFailure).
func (m *Metrics) Unavailable(c core.Condition) { m.unavailable.WithLabelValues(string(c)).Inc() }

// SetCondition records whether condition c is in force
// (core.ConditionsOptions.OnChange).
func (m *Metrics) SetCondition(c core.Condition, active bool) {
	v := 0.0
	if active {
		v = 1
	}
	m.conditionActive.WithLabelValues(string(c)).Set(v)
}

// ObserveHashingWait records how long one hashing job waited for a
// worker (hashing.Config.OnWait).
func (m *Metrics) ObserveHashingWait(d time.Duration) { m.hashingWait.Observe(d.Seconds()) }
