package config

import (
	"fmt"
	"time"
)

// HTTPConfig is the HTTP listener, and the limits that keep slow or
// greedy clients from holding it: a deadline for every phase of a
// request (headers, body, handler, response, idle keep-alive), a cap on
// each address's connections, and a bounded shutdown. docs/decisions.md
// ("Slow clients") says why each default is what it is.
type HTTPConfig struct {
	// Addr is host:port; port 0 picks a free port.
	Addr string `yaml:"addr"`
	// BodyLimit caps request bodies; larger ones get 413.
	BodyLimit ByteSize `yaml:"body_limit"`
	// CORSOrigins lists the origins browsers may call from; "*" allows any.
	CORSOrigins []string `yaml:"cors_origins"`
	// ReadHeaderTimeout bounds reading a request's headers.
	ReadHeaderTimeout Duration `yaml:"read_header_timeout"`
	// MinBodyRate is the slowest a request body may arrive, in bytes per
	// second, once BodyGrace is used up: the n-th byte must be in by
	// BodyGrace + n/MinBodyRate after the headers. 0 turns body
	// deadlines off.
	MinBodyRate ByteSize `yaml:"min_body_rate"`
	// BodyGrace is the head start a body gets before MinBodyRate counts.
	BodyGrace Duration `yaml:"body_grace"`
	// HandlerTimeout is the deadline of a request's context, counted from
	// when its body is in (from its headers when it has none), so core
	// and the stores give up on a request nobody will wait for.
	HandlerTimeout Duration `yaml:"handler_timeout"`
	// WriteTimeout bounds each write of a response to the client.
	WriteTimeout Duration `yaml:"write_timeout"`
	// IdleTimeout is how long a keep-alive connection may wait for its
	// next request.
	IdleTimeout Duration `yaml:"idle_timeout"`
	// MaxConnsPerIP caps the open connections of one client address (an
	// IPv6 /64); security.trusted_proxies are exempt. 0: no cap.
	MaxConnsPerIP int `yaml:"max_conns_per_ip"`
	// MaxIdleConns caps the keep-alive connections held idle between
	// requests; past it the longest-idle ones are closed. 0: no cap.
	MaxIdleConns int `yaml:"max_idle_conns"`
	// ShutdownTimeout bounds how long a graceful shutdown waits for
	// in-flight requests.
	ShutdownTimeout Duration `yaml:"shutdown_timeout"`
}

func defaultHTTP() HTTPConfig {
	return HTTPConfig{
		Addr:              "127.0.0.1:8090",
		BodyLimit:         32 * MiB,
		CORSOrigins:       []string{"*"},
		ReadHeaderTimeout: Duration(10 * time.Second),
		MinBodyRate:       512,
		BodyGrace:         Duration(10 * time.Second),
		HandlerTimeout:    Duration(30 * time.Second),
		WriteTimeout:      Duration(30 * time.Second),
		IdleTimeout:       Duration(120 * time.Second),
		MaxConnsPerIP:     128,
		MaxIdleConns:      500,
		ShutdownTimeout:   Duration(30 * time.Second),
	}
}

// maxConnsPerIP bounds http.max_conns_per_ip: a higher cap is no cap
// (the process runs out of descriptors first), and is likely a typo.
const maxConnsPerIP = 1 << 20

func (h HTTPConfig) validate(p *problems) {
	if err := checkAddr(h.Addr); err != nil {
		p.add("http.addr", "%v", err)
	}
	if h.BodyLimit < KiB || h.BodyLimit > GiB {
		p.add("http.body_limit", "must be between 1KiB and 1GiB, got %s", h.BodyLimit)
	}
	for i, o := range h.CORSOrigins {
		if o != "*" && !isOrigin(o) {
			p.add(fmt.Sprintf("http.cors_origins[%d]", i), `%q is neither "*" nor an origin like https://app.example.com`, o)
		}
	}
	positive(p, "http.read_header_timeout", h.ReadHeaderTimeout)
	if h.MinBodyRate < 0 || h.MinBodyRate > GiB {
		p.add("http.min_body_rate", "must be between 0 (off) and 1GiB a second, got %s", h.MinBodyRate)
	}
	positive(p, "http.body_grace", h.BodyGrace)
	positive(p, "http.handler_timeout", h.HandlerTimeout)
	positive(p, "http.write_timeout", h.WriteTimeout)
	positive(p, "http.idle_timeout", h.IdleTimeout)
	if h.MaxConnsPerIP < 0 || h.MaxConnsPerIP > maxConnsPerIP {
		p.add("http.max_conns_per_ip", "must be between 0 (no cap) and %d, got %d", maxConnsPerIP, h.MaxConnsPerIP)
	}
	if h.MaxIdleConns < 0 || h.MaxIdleConns > maxConnsPerIP {
		p.add("http.max_idle_conns", "must be between 0 (no cap) and %d, got %d", maxConnsPerIP, h.MaxIdleConns)
	}
	positive(p, "http.shutdown_timeout", h.ShutdownTimeout)
}
