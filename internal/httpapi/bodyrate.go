package httpapi

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"sync"
	"time"
)

// ErrSlowBody is wrapped by the error of a body read that Deadlines cut
// off because the body arrived slower than its minimum rate.
var ErrSlowBody = errors.New("request body arrived too slowly")

// rateBody is a request body whose arrival is held to a minimum rate. It
// sets the connection's read deadline (through http.ResponseController)
// before each Read to the moment the body would fall behind: BodyGrace
// plus n/MinBodyRate after the start, n being the bytes read so far.
// The deadline is a real socket deadline, so a Read waiting on a silent
// client fails when it passes, and so does net/http's own read of the
// rest of a body the handler left unread.
//
// Deadlines are set only while they are the body's: net/http clears the
// read deadline itself when the body ends (it then watches the
// connection for the client going away), and a deadline set after that
// would end the request's context when it passed.
type rateBody struct {
	io.ReadCloser
	d     *Deadlines
	w     http.ResponseWriter // for Connection: close when cut off
	ctl   connControl
	hc    *handlerCtx // nil without a handler deadline
	start time.Time

	mu      sync.Mutex
	n       int64     // bytes read so far
	drainAt time.Time // zero until the server drains
	drainN  int64     // n at drainAt
	reading bool      // a Read is waiting on the connection
	touched bool      // drain set the deadline during that Read
	started bool      // the handler's deadline was suspended
	done    bool      // the body ended (EOF or an error)
	ended   bool      // the handler returned
}

// startBody wraps a request's body, registers it for Drain and sets its
// first deadline, which holds even if the handler never reads: net/http
// then reads (up to 256 KiB of) the rest after the handler returns.
func (d *Deadlines) startBody(body io.ReadCloser, w http.ResponseWriter, ctl connControl, hc *handlerCtx) *rateBody {
	b := &rateBody{ReadCloser: body, d: d, w: w, ctl: ctl, hc: hc, start: time.Now()}
	d.mu.Lock()
	d.inFlight[b] = struct{}{}
	if !d.drainAt.IsZero() {
		// Already shutting down: the tighter rule, counted from now.
		b.drainAt = b.start
	}
	d.mu.Unlock()
	_ = ctl.SetReadDeadline(b.deadlineLocked())
	return b
}

// endBody forgets b when its handler has returned. Its last deadline
// stays on the connection for net/http's read of what is left.
func (d *Deadlines) endBody(b *rateBody) {
	b.mu.Lock()
	b.ended = true
	b.mu.Unlock()
	d.mu.Lock()
	delete(d.inFlight, b)
	d.mu.Unlock()
}

// deadlineLocked is when the body falls behind its minimum rate, and
// after a drain behind the tighter rule Drain describes.
func (b *rateBody) deadlineLocked() time.Time {
	rate := b.d.opts.MinBodyRate
	dl := b.start.Add(b.d.opts.BodyGrace + bytesTime(b.n, rate))
	if !b.drainAt.IsZero() {
		grace := min(drainGrace, b.d.opts.BodyGrace)
		if dd := b.drainAt.Add(grace + bytesTime(b.n-b.drainN, rate)); dd.Before(dl) {
			dl = dd
		}
	}
	return dl
}

// bytesTime is how long n bytes take at rate bytes per second.
func bytesTime(n, rate int64) time.Duration {
	return time.Duration(float64(n) / float64(rate) * float64(time.Second))
}

// Read reads under the body's deadline. A read that runs into it fails
// with an error wrapping ErrSlowBody.
func (b *rateBody) Read(p []byte) (int, error) {
	b.mu.Lock()
	if b.done {
		b.mu.Unlock()
		return b.ReadCloser.Read(p)
	}
	if !b.started {
		// The body is being read: its time is not the handler's.
		b.started = true
		if b.hc != nil {
			b.hc.setTimeout(0)
		}
	}
	_ = b.ctl.SetReadDeadline(b.deadlineLocked())
	b.reading, b.touched = true, false
	b.mu.Unlock()

	n, err := b.ReadCloser.Read(p)

	b.mu.Lock()
	defer b.mu.Unlock()
	b.reading = false
	b.n += int64(n)
	if err == nil {
		return n, nil
	}
	b.done = true
	switch {
	case errors.Is(err, os.ErrDeadlineExceeded):
		// The rest of the body will not be read: the connection must
		// close after the answer (net/http would otherwise take the
		// unread bytes for the next request).
		b.w.Header().Set("Connection", "close")
		if b.d.opts.OnSlowBody != nil {
			b.d.opts.OnSlowBody()
		}
		err = fmt.Errorf("%w (%d bytes in %v): %w", ErrSlowBody, b.n, time.Since(b.start).Round(time.Millisecond), err)
	case err == io.EOF && b.touched:
		// Drain moved the deadline while the last bytes were arriving,
		// after net/http had cleared it to watch the connection: clear
		// it again, or the watch would end the request.
		_ = b.ctl.SetReadDeadline(time.Time{})
	}
	if b.hc != nil {
		// The body is in (or never will be): the handler's clock starts.
		b.hc.setTimeout(b.d.opts.Handler)
	}
	return n, err
}

// drain applies Drain's rule from at, unless the body or its handler is
// done (the deadline is no longer the body's to set).
func (b *rateBody) drain(at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.done || b.ended || !b.drainAt.IsZero() {
		return
	}
	b.drainAt, b.drainN = at, b.n
	_ = b.ctl.SetReadDeadline(b.deadlineLocked())
	if b.reading {
		b.touched = true
	}
}
