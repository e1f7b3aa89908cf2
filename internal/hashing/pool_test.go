package hashing

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// gate is a pool hook that holds every job until released and records how
// many ran at once.
type gate struct {
	entered  chan struct{}
	release  chan struct{}
	once     sync.Once
	active   atomic.Int32
	maxSeen  atomic.Int32
	finished atomic.Int32
}

func newGate() *gate {
	return &gate{entered: make(chan struct{}, 1000), release: make(chan struct{})}
}

func (g *gate) hook(run func()) {
	n := g.active.Add(1)
	for m := g.maxSeen.Load(); n > m && !g.maxSeen.CompareAndSwap(m, n); m = g.maxSeen.Load() {
	}
	g.entered <- struct{}{}
	<-g.release
	run()
	g.active.Add(-1)
	g.finished.Add(1)
}

func (g *gate) open() { g.once.Do(func() { close(g.release) }) }

// gatedHasher returns a hasher whose jobs wait at g. g is opened before
// the hasher closes, so a failing test does not hang in Close.
func gatedHasher(t *testing.T, cfg Config) (*Hasher, *gate) {
	t.Helper()
	g := newGate()
	cfg.Memory, cfg.Iterations, cfg.Parallelism = cheap.Memory, cheap.Iterations, cheap.Parallelism
	h := newTestHasher(t, cfg, g.hook)
	t.Cleanup(g.open)
	return h, g
}

// waitFor polls cond until it holds or a generous deadline passes.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// occupy starts a call that takes the only worker and waits until it is
// held at the gate and no longer counted as waiting. On a loaded machine
// the worker goroutine may not be scheduled yet when the first call
// arrives; with a tiny QueueWait that call then gets a busy error instead
// of reaching the gate, so occupy tries again until one gets through.
func occupy(t *testing.T, h *Hasher, g *gate) <-chan error {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		ch := background(func() error { return h.VerifyDummy(context.Background(), "pw") })
		select {
		case <-g.entered:
			waitFor(t, "first call to leave the queue", func() bool { return h.pool.waiting.Load() == 0 })
			return ch
		case err := <-ch:
			if !isBusy(err) {
				t.Fatalf("occupying call returned %v before reaching a worker", err)
			}
		case <-deadline:
			t.Fatal("no call reached a worker within 10s")
		}
	}
}

// isBusy reports whether err is the pool's busy answer.
func isBusy(err error) bool {
	var ce *core.Error
	return errors.As(err, &ce) && ce.Code == core.CodeHashingBusy && ce.Cause == nil
}

// background runs fn in a goroutine and returns a channel with its error.
func background(fn func() error) <-chan error {
	ch := make(chan error, 1)
	go func() { ch <- fn() }()
	return ch
}

// within returns the error from ch, failing the test if none arrives in
// time: a broken pool must fail these tests, not hang them.
func within(t *testing.T, ch <-chan error) error {
	t.Helper()
	select {
	case err := <-ch:
		return err
	case <-time.After(10 * time.Second):
		t.Fatal("call did not return")
		return nil
	}
}

// call runs fn with the within deadline.
func call(t *testing.T, fn func() error) error {
	t.Helper()
	return within(t, background(fn))
}

func TestPoolBoundsConcurrency(t *testing.T) {
	t.Parallel()
	for _, workers := range []int{1, 3} {
		t.Run(fmt.Sprintf("%d-workers", workers), func(t *testing.T) {
			t.Parallel()
			h, g := gatedHasher(t, Config{Workers: workers, QueueWait: time.Minute, QueueSize: 100})
			const calls = 12
			errs := make([]<-chan error, calls)
			for i := range errs {
				errs[i] = background(func() error {
					_, err := h.Hash(context.Background(), "pw")
					return err
				})
			}
			// Every call is now either held at the gate or parked waiting
			// for a worker; a pool that let more through would show it in
			// maxSeen once they are released together.
			waitFor(t, "workers busy and the rest queued", func() bool {
				return g.active.Load() == int32(workers) && h.pool.waiting.Load() == int64(calls-workers)
			})
			g.open()
			for i, ch := range errs {
				if err := within(t, ch); err != nil {
					t.Errorf("call %d: %v", i, err)
				}
			}
			if got := g.maxSeen.Load(); got != int32(workers) {
				t.Errorf("max concurrent hashes = %d, want %d", got, workers)
			}
			if got := g.finished.Load(); got != calls {
				t.Errorf("finished jobs = %d, want %d", got, calls)
			}
		})
	}
}

func checkBusy(t *testing.T, what string, err error) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("%s error = %v, want a *core.Error", what, err)
	}
	if ce.Kind != core.KindUnavailable || ce.Code != core.CodeHashingBusy || ce.RetryAfter != time.Second {
		t.Errorf("%s error = {%s %s retry %v}, want {%s %s retry 1s}",
			what, ce.Kind, ce.Code, ce.RetryAfter, core.KindUnavailable, core.CodeHashingBusy)
	}
}

// checkInterrupted asserts err is the unavailable error for a check cut
// short by cause.
func checkInterrupted(t *testing.T, what string, err, cause error) {
	t.Helper()
	var ce *core.Error
	if !errors.Is(err, cause) || !errors.As(err, &ce) || ce.Kind != core.KindUnavailable {
		t.Errorf("%s error = %v, want a KindUnavailable *core.Error wrapping %v", what, err, cause)
	}
}

func TestPoolBusyAfterQueueWait(t *testing.T) {
	t.Parallel()
	h, g := gatedHasher(t, Config{Workers: 1, QueueWait: time.Millisecond})
	ctx := context.Background()
	first := occupy(t, h, g)

	checkBusy(t, "Hash", call(t, func() error {
		_, err := h.Hash(ctx, "pw")
		return err
	}))
	checkBusy(t, "Verify", call(t, func() error {
		_, _, err := h.Verify(ctx, argon2idRef, "pw")
		return err
	}))
	checkBusy(t, "VerifyDummy", call(t, func() error { return h.VerifyDummy(ctx, "pw") }))

	g.open()
	if err := within(t, first); err != nil {
		t.Errorf("first call: %v", err)
	}
	if got := h.pool.waiting.Load(); got != 0 {
		t.Errorf("waiting = %d after timeouts, want 0", got)
	}
}

func TestPoolBusyWhenQueueFull(t *testing.T) {
	t.Parallel()
	// QueueWait is long: the third call can only return because the
	// queue is full, not because its wait ran out.
	h, g := gatedHasher(t, Config{Workers: 1, QueueSize: 1, QueueWait: time.Hour})
	ctx := context.Background()
	first := occupy(t, h, g)
	second := background(func() error { return h.VerifyDummy(ctx, "pw") })
	waitFor(t, "second call queued", func() bool { return h.pool.waiting.Load() == 1 })

	checkBusy(t, "third call", call(t, func() error { return h.VerifyDummy(ctx, "pw") }))

	g.open()
	for _, ch := range []<-chan error{first, second} {
		if err := within(t, ch); err != nil {
			t.Errorf("queued call: %v", err)
		}
	}
}

func TestPoolContext(t *testing.T) {
	t.Parallel()
	t.Run("canceled-before", func(t *testing.T) {
		t.Parallel()
		h, g := gatedHasher(t, Config{Workers: 1})
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		_, err := h.Hash(ctx, "pw")
		checkInterrupted(t, "Hash(canceled ctx)", err, context.Canceled)
		if n := len(g.entered); n != 0 {
			t.Errorf("%d jobs ran for a canceled context, want 0", n)
		}
	})
	t.Run("canceled-while-queued", func(t *testing.T) {
		t.Parallel()
		h, g := gatedHasher(t, Config{Workers: 1, QueueWait: time.Hour})
		first := occupy(t, h, g)
		ctx, cancel := context.WithCancel(context.Background())
		queued := background(func() error { return h.VerifyDummy(ctx, "pw") })
		waitFor(t, "call queued", func() bool { return h.pool.waiting.Load() == 1 })
		cancel()
		checkInterrupted(t, "queued call", within(t, queued), context.Canceled)
		g.open()
		if err := within(t, first); err != nil {
			t.Errorf("first call: %v", err)
		}
	})
	t.Run("canceled-while-running", func(t *testing.T) {
		t.Parallel()
		h, g := gatedHasher(t, Config{Workers: 1})
		ctx, cancel := context.WithCancel(context.Background())
		running := background(func() error {
			_, err := h.Hash(ctx, "pw")
			return err
		})
		select {
		case <-g.entered:
		case <-time.After(10 * time.Second):
			t.Fatal("call did not reach a worker")
		}
		cancel()
		// The job is still held at the gate, so this returns only if the
		// caller stops waiting for a running hash when its ctx ends.
		checkInterrupted(t, "running call", within(t, running), context.Canceled)
		g.open()
		if _, err := h.Hash(context.Background(), "pw"); err != nil {
			t.Errorf("Hash after an abandoned job: %v", err)
		}
	})
}

func TestClose(t *testing.T) {
	t.Parallel()
	h, g := gatedHasher(t, Config{Workers: 1, QueueWait: time.Hour})
	ctx := context.Background()
	first := occupy(t, h, g)
	queued := background(func() error { return h.VerifyDummy(ctx, "pw") })
	waitFor(t, "call queued", func() bool { return h.pool.waiting.Load() == 1 })

	closed := background(func() error { h.Close(); return nil })
	checkInterrupted(t, "queued call", within(t, queued), ErrClosed)
	g.open()
	if err := within(t, first); err != nil {
		t.Errorf("running call should finish after Close: %v", err)
	}
	<-closed
	h.Close() // a second Close is harmless
	_, err := h.Hash(ctx, "pw")
	checkInterrupted(t, "Hash after Close", err, ErrClosed)
}

func TestPoolRecoversPanics(t *testing.T) {
	t.Parallel()
	p := newPool(1, 1, time.Second, nil, nil)
	t.Cleanup(p.close)
	ctx := context.Background()
	if err := p.run(ctx, func() error { panic("boom") }); err == nil {
		t.Errorf("run(panicking job) = nil, want an error")
	}
	if err := p.run(ctx, func() error { return nil }); err != nil {
		t.Errorf("run after a panic = %v, want nil (worker survived)", err)
	}
}
