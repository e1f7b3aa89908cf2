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
//
// The machinery behind Done (a cancelable context and a timer) is made
// only when someone asks for Done (or derives a cancelable context):
// until then nobody can be waiting for the deadline, and Err reads the
// clock instead. Most requests (a token check served from the caches, a
// record read) never ask, and would otherwise pay a context, a timer and
// its callback each.
type handlerCtx struct {
	// Context is the request's own context: its values, and its
	// deadline while this one has none.
	context.Context

	mu sync.Mutex
	// inner, once armed, is done when the request's context is, or when
	// the deadline passes (cancel). nil until Done or AfterFunc.
	inner    context.Context
	cancel   context.CancelFunc
	deadline time.Time // zero while none is set
	timer    *time.Timer
	gen      int  // bumped by every change, so a stale timer does nothing
	expired  bool // the deadline passed before anything else ended the context
	lifted   bool // streamed: no deadline any more
	released bool // the handler returned

	// info is the request's id and client address (RequestID,
	// ClientIP): carried here, every request's context is one
	// allocation and one copy of the request fewer.
	info requestInfo
	// outerInfo: the request's context carries a requestInfo already
	// (RequestID mounted outside Deadlines); that one stays the
	// request's.
	outerInfo bool
}

// Value answers infoKey with the context itself (an infoCarrier), and
// passes every other key to the request's context.
func (c *handlerCtx) Value(key any) any {
	if _, ok := key.(infoKey); ok && !c.outerInfo {
		return c
	}
	return c.Context.Value(key)
}

func (c *handlerCtx) requestInfo() *requestInfo { return &c.info }

func newHandlerCtx(parent context.Context) *handlerCtx {
	return &handlerCtx{Context: parent, outerInfo: parent.Value(infoKey{}) != nil}
}

// start sets the first deadline, d from now, and notes now as the
// request's start for the access log.
func (c *handlerCtx) start(d time.Duration) {
	now := time.Now()
	c.info.start = now
	c.mu.Lock()
	c.deadline = now.Add(d)
	c.mu.Unlock()
}

// Done is closed when the request ends or the deadline passes.
func (c *handlerCtx) Done() <-chan struct{} {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.armLocked()
	return c.inner.Done()
}

// armLocked makes inner and, while a deadline is set, its timer: from
// now on the context ends by itself.
func (c *handlerCtx) armLocked() {
	if c.inner != nil {
		return
	}
	c.inner, c.cancel = context.WithCancel(c.Context)
	switch {
	case c.expired || c.released:
		c.cancel()
	case !c.deadline.IsZero():
		if d := time.Until(c.deadline); d > 0 {
			c.startTimerLocked(d)
		} else if c.inner.Err() == nil {
			c.expired = true
			c.cancel()
		}
	}
}

// Err is context.DeadlineExceeded when the deadline ended the context,
// else the request context's error (context.Canceled once it ended, or
// once the handler returned).
func (c *handlerCtx) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.inner != nil {
		err := c.inner.Err()
		if err != nil && c.expired {
			return context.DeadlineExceeded
		}
		return err
	}
	if c.expired {
		return context.DeadlineExceeded
	}
	if err := c.Context.Err(); err != nil {
		return err
	}
	if c.released {
		return context.Canceled
	}
	if c.passedLocked() {
		c.expired = true
		return context.DeadlineExceeded
	}
	return nil
}

// passedLocked reports whether a deadline is set and has passed.
func (c *handlerCtx) passedLocked() bool {
	return !c.deadline.IsZero() && !time.Now().Before(c.deadline)
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
func (c *handlerCtx) AfterFunc(f func()) func() bool {
	c.mu.Lock()
	c.armLocked()
	inner := c.inner
	c.mu.Unlock()
	return context.AfterFunc(inner, f)
}

func (c *handlerCtx) String() string { return "httpapi.handlerCtx" }

// ended reports whether the context has ended (or a deadline nobody
// armed has passed, which ends it now).
func (c *handlerCtx) endedLocked() bool {
	if c.inner != nil {
		return c.inner.Err() != nil
	}
	if c.expired || c.released {
		return true
	}
	if c.passedLocked() {
		c.expired = true
		return true
	}
	return false
}

// setTimeout sets the deadline to d from now, replacing any earlier one;
// d <= 0 suspends it. Nothing changes once the context has ended or the
// deadline was lifted.
func (c *handlerCtx) setTimeout(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.lifted || c.endedLocked() {
		return
	}
	c.gen++
	if c.timer != nil {
		c.timer.Stop()
		c.timer = nil
	}
	if d <= 0 {
		c.deadline = time.Time{}
		return
	}
	c.deadline = time.Now().Add(d)
	if c.inner != nil {
		c.startTimerLocked(d)
	}
}

// startTimerLocked ends the armed context in d unless the deadline
// changes first. A new timer each time, not Reset: a timer that fired
// just now may still be waiting for the lock, and its generation tells
// it apart.
func (c *handlerCtx) startTimerLocked(d time.Duration) {
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
	c.released = true
	if c.timer != nil {
		c.timer.Stop()
	}
	cancel := c.cancel
	c.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}
