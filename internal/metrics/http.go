package metrics

import (
	"context"
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"
)

// otherRoute labels requests no handler named a route for (404s, mux
// redirects): their raw paths would be unbounded.
const otherRoute = "other"

// Handler serves the registry in the Prometheus exposition format, for
// GET /metrics. Mount it where only operators reach it.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Middleware times every request into
// gatehouse_http_request_duration_seconds, labelled with its route
// pattern, method and status code.
//
// The pattern is known only inside the mux that matched, so Middleware
// puts a route holder in the context for SetRoute (or Route) to fill in.
// When nothing does, it falls back to the Pattern a ServeMux set on the
// very request Middleware passed on (so a mux directly inside it needs no
// help), and otherwise to "other". Raw paths are never used: they would
// explode the number of series and can carry ids and tokens.
//
// A handler that panics before writing is counted with code 500, what
// the client effectively got; the panic goes on up.
func (m *Metrics) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rc := &routeCtx{Context: r.Context()}
		holder := &rc.holder
		r = r.WithContext(rc)
		sw := &statusWriter{ResponseWriter: w}
		completed := false
		defer func() {
			code := sw.status
			if code == 0 {
				code = http.StatusOK
				if !completed {
					code = http.StatusInternalServerError
				}
			}
			route := holder.get()
			if route == "" {
				route = r.Pattern
			}
			if route == "" {
				route = otherRoute
			}
			m.httpDuration.WithLabelValues(route, methodLabel(r.Method), codeLabel(code)).
				Observe(time.Since(start).Seconds())
		}()
		next.ServeHTTP(sw, r)
		completed = true
	})
}

// SetRoute records pattern as the route of r for Middleware. Call it with
// the pattern a handler was registered under, never with the raw path.
// The last call wins, so with nested muxes the innermost one names the
// route; if an inner mux sits behind http.StripPrefix, include the mount
// prefix in its patterns or the label loses it. Outside Middleware it
// does nothing.
func SetRoute(r *http.Request, pattern string) {
	if rc, ok := r.Context().Value(routeKey{}).(*routeCtx); ok {
		rc.holder.set(pattern)
	}
}

// Route returns a handler that records pattern as the route, then serves
// h. Use it when registering on a mux:
//
//	mux.Handle(p, metrics.Route(p, h))
func Route(pattern string, h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r, pattern)
		h.ServeHTTP(w, r)
	})
}

type routeKey struct{}

// routeCtx is the context Middleware hands on: its parent plus the
// route holder, in one allocation (context.WithValue of a pointer to a
// holder would take two). It answers routeKey and passes every other
// lookup to its parent.
type routeCtx struct {
	context.Context
	holder routeHolder
}

// Value returns the routeCtx itself for routeKey, else the parent's
// value.
func (c *routeCtx) Value(key any) any {
	if _, ok := key.(routeKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func (c *routeCtx) String() string { return "metrics.routeCtx" }

// routeHolder is written by SetRoute and read by Middleware after the
// handler returns. It is locked because a handler may hand the request
// to another goroutine; the patterns it holds are the handlers' own
// strings, so setting one allocates nothing.
type routeHolder struct {
	mu      sync.Mutex
	pattern string
}

func (h *routeHolder) set(p string) {
	h.mu.Lock()
	h.pattern = p
	h.mu.Unlock()
}

func (h *routeHolder) get() string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.pattern
}

// codeLabels are the code labels of the standard statuses, made once:
// strconv.Itoa would make a string per request.
var codeLabels = func() (l [600]string) {
	for c := 100; c < len(l); c++ {
		l[c] = strconv.Itoa(c)
	}
	return l
}()

// codeLabel is the code label of status code.
func codeLabel(code int) string {
	if code >= 100 && code < len(codeLabels) {
		return codeLabels[code]
	}
	return strconv.Itoa(code)
}

// methodLabel keeps the method label bounded: a client can send any
// token as a method.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodPost, http.MethodPut, http.MethodPatch,
		http.MethodDelete, http.MethodConnect, http.MethodOptions, http.MethodTrace:
		return m
	}
	return "OTHER"
}

// statusWriter records the first final status written. Flush and Unwrap
// keep streaming and http.ResponseController working through it.
type statusWriter struct {
	http.ResponseWriter
	status int // 0 until the header is written
}

// WriteHeader records the first final status; 1xx (103 Early Hints)
// does not commit the response.
func (s *statusWriter) WriteHeader(code int) {
	if s.status == 0 && (code >= 200 || code == http.StatusSwitchingProtocols) {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

// Write implies a 200 when nothing was written before.
func (s *statusWriter) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	return s.ResponseWriter.Write(b)
}

// Flush sends buffered data, which commits the header.
func (s *statusWriter) Flush() {
	if err := http.NewResponseController(s.ResponseWriter).Flush(); err == nil && s.status == 0 {
		s.status = http.StatusOK
	}
}

// Unwrap returns the wrapped writer for http.ResponseController.
func (s *statusWriter) Unwrap() http.ResponseWriter { return s.ResponseWriter }
