package httpapi

import (
	"net/http"
	"sync"
	"time"
)

// DeadlineOptions are the limits Deadlines puts on a request once its
// headers are in (net/http's ReadHeaderTimeout and IdleTimeout cover the
// phases before).
type DeadlineOptions struct {
	// MinBodyRate is the slowest a body may arrive, in bytes per second,
	// once BodyGrace is used up: the n-th byte must be in by
	// BodyGrace + n/MinBodyRate after the handler started. 0 turns body
	// deadlines off.
	MinBodyRate int64
	// BodyGrace is the head start a body gets: the time its first bytes
	// may take to arrive.
	BodyGrace time.Duration
	// Handler is the deadline of the request's context, counted from
	// when the body is in (from the start when there is none). A handler
	// that flushes (a stream) has none. 0: no deadline.
	Handler time.Duration
	// Write bounds each write (and each flush) of the response, and the
	// final flush after the handler returns. 0: no bound.
	Write time.Duration
	// OnSlowBody, if set, is called for every body cut off for arriving
	// too slowly (a metric).
	OnSlowBody func()
}

// Deadlines puts a deadline on every phase of a request after its
// headers: the body must arrive at a minimum rate, the handler's context
// runs out, and each write must reach the client in time. Drain tightens
// the body deadlines when the server shuts down. Make one per server and
// mount its Middleware outermost, so that it talks to net/http's own
// ResponseWriter.
//
// A body cut off fails its Read with an error wrapping ErrSlowBody
// (DecodeFields reports it as ReasonMalformed, which every surface
// answers with its 400), and the response is marked Connection: close:
// the unread rest of the body cannot be skipped, so the connection ends
// after the answer.
type Deadlines struct {
	opts DeadlineOptions

	mu       sync.Mutex
	drainAt  time.Time // zero until Drain
	inFlight map[*rateBody]struct{}
}

// NewDeadlines makes the middleware's shared state.
func NewDeadlines(opts DeadlineOptions) *Deadlines {
	return &Deadlines{opts: opts, inFlight: map[*rateBody]struct{}{}}
}

// Middleware applies the deadlines to each request.
func (d *Deadlines) Middleware(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctl := connControl{w}
		var hc *handlerCtx
		if d.opts.Handler > 0 {
			hc = newHandlerCtx(r.Context())
			defer hc.release()
			hc.start(d.opts.Handler)
			r = r.WithContext(hc)
		}
		if d.opts.MinBodyRate > 0 && r.Body != nil && r.Body != http.NoBody {
			if hc == nil {
				r = r.WithContext(r.Context()) // a copy: the body is replaced
			}
			b := d.startBody(r.Body, w, ctl, hc)
			defer d.endBody(b)
			r.Body = b
		}
		if d.opts.Write > 0 {
			dw := &deadlineWriter{ResponseWriter: w, ctl: ctl, timeout: d.opts.Write, hc: hc}
			// net/http flushes what is left after the handler returns,
			// under the deadline set last: give that flush its own.
			defer dw.extend()
			w = dw
		}
		next.ServeHTTP(w, r)
	})
}

// Drain tightens the deadline of every body still arriving, and of
// those that start from now on: the rest of a body's grace is
// withdrawn, it gets drainGrace and must arrive at MinBodyRate from
// now. A trickling body is cut within about drainGrace, while an honest
// upload in progress completes. Call it when the server begins to shut
// down (http.Server.RegisterOnShutdown); calls after the first do
// nothing.
func (d *Deadlines) Drain() {
	d.mu.Lock()
	if !d.drainAt.IsZero() {
		d.mu.Unlock()
		return
	}
	at := time.Now()
	d.drainAt = at
	bodies := make([]*rateBody, 0, len(d.inFlight))
	for b := range d.inFlight {
		bodies = append(bodies, b)
	}
	d.mu.Unlock()
	for _, b := range bodies {
		b.drain(at)
	}
}

// drainGrace is what a body still arriving gets on shutdown before the
// minimum rate counts again: long enough for bytes already in flight,
// short enough that shutdown is not held up. Never more than BodyGrace.
const drainGrace = time.Second

// deadlineWriter gives every write of the response a deadline of its
// own, counted from when it starts, so a response is cut off only when
// the client stops reading it, however long a stream lasts between
// writes. The first flush marks the response as a stream: the handler's
// context deadline is lifted, since the handler decides when a stream
// ends (PocketBase's realtime stream at GET /api/realtime).
type deadlineWriter struct {
	http.ResponseWriter
	ctl      connControl // of the writer below
	timeout  time.Duration
	hc       *handlerCtx // nil without a handler deadline
	streamed bool
}

func (w *deadlineWriter) extend() { _ = w.ctl.SetWriteDeadline(time.Now().Add(w.timeout)) }

// WriteHeader sends an informational header (1xx) under a fresh
// deadline. A final status is only recorded by net/http (its header goes
// out with the first write or the final flush, which have their own), so
// it needs none: that saves a deadline change on every response.
func (w *deadlineWriter) WriteHeader(code int) {
	if code < 200 {
		w.extend()
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *deadlineWriter) Write(p []byte) (int, error) {
	w.extend()
	return w.ResponseWriter.Write(p)
}

// FlushError flushes under a fresh deadline; the first flush lifts the
// handler's deadline.
func (w *deadlineWriter) FlushError() error {
	if !w.streamed {
		w.streamed = true
		if w.hc != nil {
			w.hc.lift()
		}
	}
	w.extend()
	return w.ctl.Flush()
}

// Flush is FlushError for callers that use http.Flusher.
func (w *deadlineWriter) Flush() { _ = w.FlushError() }

// Unwrap returns the wrapped writer for http.ResponseController.
func (w *deadlineWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// connControl sets the connection's deadlines and flushes it through a
// ResponseWriter, as http.ResponseController does (the writer's own
// method, else the one of what it unwraps to), but as a value: making a
// ResponseController costs an allocation per request.
type connControl struct{ rw http.ResponseWriter }

// SetReadDeadline is http.ResponseController's.
func (c connControl) SetReadDeadline(t time.Time) error {
	rw := c.rw
	for {
		switch x := rw.(type) {
		case interface{ SetReadDeadline(time.Time) error }:
			return x.SetReadDeadline(t)
		case interface{ Unwrap() http.ResponseWriter }:
			rw = x.Unwrap()
		default:
			return http.NewResponseController(rw).SetReadDeadline(t) // its error
		}
	}
}

// SetWriteDeadline is http.ResponseController's.
func (c connControl) SetWriteDeadline(t time.Time) error {
	rw := c.rw
	for {
		switch x := rw.(type) {
		case interface{ SetWriteDeadline(time.Time) error }:
			return x.SetWriteDeadline(t)
		case interface{ Unwrap() http.ResponseWriter }:
			rw = x.Unwrap()
		default:
			return http.NewResponseController(rw).SetWriteDeadline(t) // its error
		}
	}
}

// Flush is http.ResponseController's.
func (c connControl) Flush() error { return http.NewResponseController(c.rw).Flush() }
