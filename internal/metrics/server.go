package metrics

import "github.com/prometheus/client_golang/prometheus"

// ServerCounters count what the HTTP server turns away before a handler
// answers: connections over the per-address cap, and request bodies cut
// off for arriving too slowly.
type ServerCounters struct {
	connsRefused prometheus.Counter
	slowBodies   prometheus.Counter
	idleClosed   prometheus.Counter
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
		idleClosed: prometheus.NewCounter(prometheus.CounterOpts{
			Name: "gatehouse_http_idle_connections_closed_total",
			Help: "Idle keep-alive connections closed because more than http.max_idle_conns were idle.",
		}),
	}
	m.reg.MustRegister(s.connsRefused, s.slowBodies, s.idleClosed)
	return s
}

// ConnRefused counts a connection refused by the per-address cap.
func (s *ServerCounters) ConnRefused() { s.connsRefused.Inc() }

// IdleClosed counts an idle keep-alive connection closed by the idle cap.
func (s *ServerCounters) IdleClosed() { s.idleClosed.Inc() }

// SlowBody counts a body cut off for arriving too slowly.
func (s *ServerCounters) SlowBody() { s.slowBodies.Inc() }
