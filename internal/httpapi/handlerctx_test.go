package httpapi

import (
	"context"
	"errors"
	"testing"
	"time"
)

// waitDone fails unless ctx is done within bound; generous, since a
// loaded machine may run timers late.
func waitDone(t *testing.T, ctx context.Context, bound time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
	case <-time.After(bound):
		t.Fatalf("context not done within %v", bound)
	}
}

// stillAlive fails if ctx ends within d: for deadlines that must not
// fire, waiting is the only evidence.
func stillAlive(t *testing.T, ctx context.Context, d time.Duration) {
	t.Helper()
	select {
	case <-ctx.Done():
		t.Fatalf("context ended: %v", ctx.Err())
	case <-time.After(d):
	}
}

func TestHandlerCtxDeadline(t *testing.T) {
	t.Parallel()
	parent, cancelParent := context.WithCancel(context.WithValue(context.Background(), ctxKey("k"), "v"))
	defer cancelParent()
	c := newHandlerCtx(parent)
	defer c.release()
	if _, ok := c.Deadline(); ok {
		t.Fatal("a deadline before one was set")
	}
	c.setTimeout(30 * time.Millisecond)
	dl, ok := c.Deadline()
	if !ok || time.Until(dl) > 30*time.Millisecond {
		t.Fatalf("Deadline() = %v, %v; want within 30ms", dl, ok)
	}
	// Contexts derived before it runs out see its error, not Canceled.
	child, cancelChild := context.WithCancel(c)
	defer cancelChild()
	longer, cancelLonger := context.WithTimeout(c, time.Hour)
	defer cancelLonger()
	valued := context.WithValue(c, ctxKey("other"), 1)

	waitDone(t, c, 5*time.Second)
	for name, ctx := range map[string]context.Context{"itself": c, "WithCancel": child, "WithTimeout": longer, "WithValue": valued} {
		waitDone(t, ctx, 5*time.Second)
		if err := ctx.Err(); !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("%s: Err() = %v, want DeadlineExceeded", name, err)
		}
	}
	if got := valued.Value(ctxKey("k")); got != "v" {
		t.Errorf("the request context's values are lost: %v", got)
	}
	if parent.Err() != nil {
		t.Error("the deadline ended the request's own context")
	}
}

type ctxKey string

func TestHandlerCtxSuspendAndRearm(t *testing.T) {
	t.Parallel()
	c := newHandlerCtx(context.Background())
	defer c.release()
	c.setTimeout(20 * time.Millisecond)
	c.setTimeout(0) // suspended, as while a body arrives
	if _, ok := c.Deadline(); ok {
		t.Error("a suspended deadline is still reported")
	}
	stillAlive(t, c, 100*time.Millisecond)
	c.setTimeout(20 * time.Millisecond) // the body is in
	waitDone(t, c, 5*time.Second)
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v", c.Err())
	}
}

func TestHandlerCtxLift(t *testing.T) {
	t.Parallel()
	c := newHandlerCtx(context.Background())
	defer c.release()
	c.setTimeout(20 * time.Millisecond)
	c.lift() // a stream
	c.setTimeout(20 * time.Millisecond)
	stillAlive(t, c, 100*time.Millisecond)
	if _, ok := c.Deadline(); ok {
		t.Error("a lifted deadline is still reported")
	}
}

func TestHandlerCtxEnds(t *testing.T) {
	t.Parallel()
	t.Run("request context cancelled", func(t *testing.T) {
		t.Parallel()
		parent, cancel := context.WithCancel(context.Background())
		c := newHandlerCtx(parent)
		defer c.release()
		c.setTimeout(time.Hour)
		child, cancelChild := context.WithCancel(c)
		defer cancelChild()
		cancel()
		waitDone(t, child, 5*time.Second)
		if !errors.Is(c.Err(), context.Canceled) || !errors.Is(child.Err(), context.Canceled) {
			t.Errorf("Err() = %v, child %v; want Canceled", c.Err(), child.Err())
		}
	})
	t.Run("released", func(t *testing.T) {
		t.Parallel()
		c := newHandlerCtx(context.Background())
		c.setTimeout(time.Hour)
		c.release()
		waitDone(t, c, time.Second)
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("Err() = %v, want Canceled", c.Err())
		}
		c.setTimeout(time.Millisecond) // too late: nothing changes
		if !errors.Is(c.Err(), context.Canceled) {
			t.Errorf("after a late setTimeout, Err() = %v", c.Err())
		}
	})
	t.Run("earlier parent deadline wins", func(t *testing.T) {
		t.Parallel()
		parent, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := newHandlerCtx(parent)
		defer c.release()
		c.setTimeout(time.Hour)
		want, _ := parent.Deadline()
		if got, ok := c.Deadline(); !ok || !got.Equal(want) {
			t.Errorf("Deadline() = %v, %v; want the parent's %v", got, ok, want)
		}
	})
}

// TestHandlerCtxUnarmed: a context nobody asked for Done makes neither a
// timer nor a cancelable context, yet ends at its deadline all the same:
// Err reads the clock, a Done asked for late is closed at once, and a
// deadline that passed unseen is not revived by a later change.
func TestHandlerCtxUnarmed(t *testing.T) {
	t.Parallel()
	c := newHandlerCtx(context.Background())
	defer c.release()
	c.setTimeout(time.Hour)
	if c.inner != nil || c.timer != nil {
		t.Fatal("a context nobody waits on armed a timer")
	}
	if err := c.Err(); err != nil {
		t.Fatalf("Err() = %v before the deadline", err)
	}

	c = newHandlerCtx(context.Background())
	defer c.release()
	c.setTimeout(10 * time.Millisecond)
	time.Sleep(30 * time.Millisecond)
	c.setTimeout(0) // a body starts arriving after the deadline passed
	c.setTimeout(time.Hour)
	if err := c.Err(); !errors.Is(err, context.DeadlineExceeded) {
		t.Errorf("Err() = %v after the deadline passed unseen, want DeadlineExceeded", err)
	}
	waitDone(t, c, time.Second)
	child, cancel := context.WithCancel(c)
	defer cancel()
	waitDone(t, child, time.Second)
	if !errors.Is(child.Err(), context.DeadlineExceeded) {
		t.Errorf("child Err() = %v, want DeadlineExceeded", child.Err())
	}

	c = newHandlerCtx(context.Background())
	c.setTimeout(time.Hour)
	c.release()
	if c.inner != nil {
		t.Error("release armed the context")
	}
	waitDone(t, c, time.Second)
	if !errors.Is(c.Err(), context.Canceled) {
		t.Errorf("released: Err() = %v, want Canceled", c.Err())
	}
}

// TestHandlerCtxArmedLate: a context asked for Done after its deadline
// was set ends at that deadline, not a whole timeout after the asking.
func TestHandlerCtxArmedLate(t *testing.T) {
	t.Parallel()
	c := newHandlerCtx(context.Background())
	defer c.release()
	c.setTimeout(400 * time.Millisecond)
	time.Sleep(300 * time.Millisecond)
	start := time.Now()
	waitDone(t, c, 5*time.Second)
	// About 100ms; a full timeout from the asking would be 400ms.
	if took := time.Since(start); took > 300*time.Millisecond {
		t.Errorf("armed 300ms into a 400ms deadline, ended %v later", took)
	}
	if !errors.Is(c.Err(), context.DeadlineExceeded) {
		t.Errorf("Err() = %v", c.Err())
	}
}
