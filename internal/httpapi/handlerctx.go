package httpapi

import (
	"context"
	"sync"
	"time"
)

// handlerCtx is a request's context with a deadline the Deadlines
// middleware can set, move and lift while the handler runs. A standard
// context.WithDeadline is fixed when it is made, but the handler's clock
// should start only once the request's body is in: a large body on a
// slow link may take minutes to arrive, and those minutes are the body's
// (bounded by the minimum body rate), not the handler's. So the deadline
// is set when the request starts, suspended while the body is being
// read, set again when the body is in, and lifted for a streamed
// response (server-sent events), which ends on its own terms.
//
// When the deadline passes, Done closes and Err is
// context.DeadlineExceeded, as for a standard deadline, so stores and
// core treat it as a timeout. Contexts derived from it see that error
// too: handlerCtx is not a *cancelCtx, so the context package links
// children through AfterFunc, and they copy Err from it.
type handlerCtx struct {
	// Context is the request's own context: its values, and its
	// deadline while this one has none.
	context.Context
	// inner is done when the request's context is, or when the deadline
	// passes (cancel).
	inner  context.Context
	cancel context.CancelFunc

	mu       sync.Mutex
	deadline time.Time // zero while none is set
	timer    *time.Timer
	gen      int  // bumped by every change, so a stale timer does nothing
	expired  bool // the deadline passed before anything else ended inner
	lifted   bool // streamed: no deadline any more
}

func newHandlerCtx(parent context.Context) *handlerCtx {
	inner, cancel := context.WithCancel(parent)
	return &handlerCtx{Context: parent, inner: inner, cancel: cancel}
}

// Done is closed when the request ends or the deadline passes.
func (c *handlerCtx) Done() <-chan struct{} { return c.inner.Done() }

// Err is context.DeadlineExceeded when the deadline ended the context,
// else the request context's error (context.Canceled once it ended).
func (c *handlerCtx) Err() error {
	err := c.inner.Err()
	if err == nil {
		return nil
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.expired {
		return context.DeadlineExceeded
	}
	return err
}

// Deadline is the earlier of this context's deadline, while one is set,
// and the request context's.
func (c *handlerCtx) Deadline() (time.Time, bool) {
	c.mu.Lock()
	d := c.deadline
	c.mu.Unlock()
	pd, ok := c.Context.Deadline()
	if d.IsZero() || ok && pd.Before(d) {
		return pd, ok
	}
	return d, true
}

// AfterFunc lets the context package link derived contexts without a
// goroutine each.
func (c *handlerCtx) AfterFunc(f func()) func() bool { return context.AfterFunc(c.inner, f) }

func (c *handlerCtx) String() string { return "httpapi.handlerCtx" }

// setTimeout sets the deadline to d from now, replacing any earlier one;
// d <= 0 suspends it. Nothing changes once the context has ended or the
// deadline was lifted.
func (c *handlerCtx) setTimeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lifted || c.inner.Err() != nil {
		return
	}
	c.gen++
	if c.timer != nil {
		c.timer.Stop()
	}
	if d <= 0 {
		c.deadline = time.Time{}
		return
	}
	c.deadline = time.Now().Add(d)
	// A new timer each time, not Reset: a timer that fired just now may
	// still be waiting for the lock, and its generation tells it apart.
	gen := c.gen
	c.timer = time.AfterFunc(d, func() { c.expire(gen) })
}

// lift removes the deadline for good: the handler streams.
func (c *handlerCtx) lift() {
	c.setTimeout(0)
	c.mu.Lock()
	c.lifted = true
	c.mu.Unlock()
}

// expire ends the context if the deadline of generation gen still
// stands.
func (c *handlerCtx) expire(gen int) {
	c.mu.Lock()
	if gen != c.gen || c.inner.Err() != nil {
		c.mu.Unlock()
		return
	}
	c.expired = true
	c.mu.Unlock()
	c.cancel()
}

// release ends the context when the handler has returned, as net/http
// ends the request's, and stops the timer.
func (c *handlerCtx) release() {
	c.mu.Lock()
	c.gen++
	if c.timer != nil {
		c.timer.Stop()
	}
	c.mu.Unlock()
	c.cancel()
}
