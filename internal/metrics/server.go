package metrics

import "github.com/prometheus/client_golang/prometheus"

// ServerCounters count what the HTTP server turns away before a handler
// answers: connections over the per-address cap, and request bodies cut
// off for arriving too slowly.
type ServerCounters struct {
	connsRefused prometheus.Counter
	slowBodies   prometheus.Counter
}

// NewServerCounters registers the server's counters in m. Call it once
// per Metrics (a second call panics on the duplicate registration).
func (m *Metrics) NewServerCounters() *ServerCounters {
	s := &ServerCounters{
		connsRefused: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gatehouse_http_connections_refused_total",
			Help: "Connections closed on accept because their address already held http.max_conns_per_ip.",
		}),
		slowBodies: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gatehouse_http_slow_bodies_total",
			Help: "Request bodies cut off for arriving slower than http.min_body_rate.",
		}),
	}
	m.reg.MustRegister(s.connsRefused, s.slowBodies)
	return s
}

// ConnRefused counts a connection refused by the per-address cap.
func (s *ServerCounters) ConnRefused() { s.connsRefused.Inc() }

// SlowBody counts a body cut off for arriving too slowly.
func (s *ServerCounters) SlowBody() { s.slowBodies.Inc() }
