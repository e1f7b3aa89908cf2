package main

import (
	"context"
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/metrics"
)

// httpServer is the HTTP side of `serve`: a listener that caps each
// client address's connections, a server with a deadline for every
// phase of a request and a cap on its idle keep-alive connections, and a
// shutdown that slow clients cannot hold up.
// docs/decisions.md ("Slow clients") explains the choices.
type httpServer struct {
	srv       *http.Server
	ln        net.Listener
	deadlines *httpapi.Deadlines
	shutdown  time.Duration
	log       *slog.Logger
	// requests counts the requests started (a connection going active).
	requests atomic.Uint64
}

// newHTTPServer wraps ln and handler. trusted are the proxies exempt from
// the connection cap; counters count what the server turns away.
func newHTTPServer(cfg config.HTTPConfig, ln net.Listener, handler http.Handler, trusted []netip.Prefix,
	counters *metrics.ServerCounters, log *slog.Logger) *httpServer {
	if cfg.MaxConnsPerIP > 0 {
		ln = httpapi.LimitConnsPerIP(ln, httpapi.ConnLimitOptions{
			PerIP: cfg.MaxConnsPerIP, Exempt: trusted, OnRefuse: counters.ConnRefused, Log: log,
		})
	}
	deadlines := httpapi.NewDeadlines(httpapi.DeadlineOptions{
		MinBodyRate: int64(cfg.MinBodyRate),
		BodyGrace:   cfg.BodyGrace.Std(),
		Handler:     cfg.HandlerTimeout.Std(),
		Write:       cfg.WriteTimeout.Std(),
		OnSlowBody:  counters.SlowBody,
	})
	srv := &http.Server{
		// Outermost, so the deadlines reach net/http's own ResponseWriter
		// and every other layer runs inside them.
		Handler:           deadlines.Middleware(handler),
		ReadHeaderTimeout: cfg.ReadHeaderTimeout.Std(),
		IdleTimeout:       cfg.IdleTimeout.Std(),
		// No ReadTimeout or WriteTimeout: both would count from the
		// headers and cover the body too, cutting a large upload on a
		// slow link or a long stream. The deadlines middleware bounds
		// each phase instead.
		ErrorLog: slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	// A shutdown withdraws the bodies' grace, so trickling bodies end
	// now instead of holding the shutdown for their grace period.
	srv.RegisterOnShutdown(deadlines.Drain)
	h := &httpServer{srv: srv, ln: ln, deadlines: deadlines, shutdown: cfg.ShutdownTimeout.Std(), log: log}
	var idle *httpapi.IdleConns
	if cfg.MaxIdleConns > 0 {
		idle = httpapi.NewIdleConns(cfg.MaxIdleConns, counters.IdleClosed)
	}
	srv.ConnState = func(c net.Conn, state http.ConnState) {
		if state == http.StateActive {
			h.requests.Add(1)
		}
		if idle != nil {
			idle.Track(c, state)
		}
	}
	return h
}

// requestCount is how many requests the server has started.
func (h *httpServer) requestCount() uint64 { return h.requests.Load() }

// onShutdown registers f to run when shutdown begins (ending long-lived
// streams, for instance).
func (h *httpServer) onShutdown(f func()) { h.srv.RegisterOnShutdown(f) }

// serve serves until stop; it returns http.ErrServerClosed after stop.
func (h *httpServer) serve() error { return h.srv.Serve(h.ln) }

// stop shuts the server down: it stops accepting, closes idle
// connections, cuts bodies still trickling in (Drain), and waits up to
// the shutdown timeout for in-flight requests; connections still open
// then are closed, so none outlives the server.
func (h *httpServer) stop(ctx context.Context) {
	shutCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), h.shutdown)
	defer cancel()
	start := time.Now()
	err := h.srv.Shutdown(shutCtx)
	if errors.Is(err, context.DeadlineExceeded) {
		h.log.Warn("http shutdown: requests still in progress after http.shutdown_timeout; closing their connections",
			"timeout", h.shutdown)
		err = h.srv.Close()
	}
	if err != nil {
		h.log.Error("http shutdown", "err", err)
		return
	}
	h.log.Info("http server stopped", "took", time.Since(start).Round(time.Millisecond))
}
