package hashing

import (
	"context"
	"runtime"
	"sync"
	"testing"
	"time"
)

// waitLog records the durations OnWait reports.
type waitLog struct {
	mu    sync.Mutex
	waits []time.Duration
}

func (l *waitLog) record(d time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.waits = append(l.waits, d)
}

func (l *waitLog) snapshot() []time.Duration {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]time.Duration(nil), l.waits...)
}

func TestWaiting(t *testing.T) {
	t.Parallel()
	h, g := gatedHasher(t, Config{Workers: 1, QueueSize: 2, QueueWait: time.Hour})
	ctx := context.Background()
	if got := h.Waiting(); got != 0 {
		t.Fatalf("Waiting() = %d on an idle pool, want 0", got)
	}
	first := occupy(t, h, g)
	queued := []<-chan error{
		background(func() error { return h.VerifyDummy(ctx, "pw") }),
		background(func() error { return h.VerifyDummy(ctx, "pw") }),
	}
	waitFor(t, "two callers parked", func() bool { return h.Waiting() == 2 })
	// A third caller is turned away; the gauge must not count it.
	checkBusy(t, "third call", call(t, func() error { return h.VerifyDummy(ctx, "pw") }))
	if got := h.Waiting(); got != 2 {
		t.Errorf("Waiting() = %d after a refused caller, want 2", got)
	}

	g.open()
	for _, ch := range append(queued, first) {
		if err := within(t, ch); err != nil {
			t.Errorf("call: %v", err)
		}
	}
	if got := h.Waiting(); got != 0 {
		t.Errorf("Waiting() = %d after the queue drained, want 0", got)
	}
}

func TestOnWaitQueued(t *testing.T) {
	t.Parallel()
	var log waitLog
	h, g := gatedHasher(t, Config{Workers: 1, QueueWait: time.Hour, OnWait: log.record})
	first := occupy(t, h, g)
	waitFor(t, "the occupying call reported", func() bool { return len(log.snapshot()) == 1 })

	second := background(func() error { return h.VerifyDummy(context.Background(), "pw") })
	waitFor(t, "second call parked", func() bool { return h.Waiting() == 1 })
	parked := time.Now()
	if got := len(log.snapshot()); got != 1 {
		t.Errorf("OnWait called %d times while the second call waits, want 1", got)
	}
	held := time.Since(parked)
	g.open()
	for _, ch := range []<-chan error{first, second} {
		if err := within(t, ch); err != nil {
			t.Errorf("call: %v", err)
		}
	}
	waits := log.snapshot()
	if len(waits) != 2 {
		t.Fatalf("OnWait called %d times, want once per job (2): %v", len(waits), waits)
	}
	// The second caller was parked at least from `parked` until the gate
	// opened.
	if waits[1] < held {
		t.Errorf("queued wait = %v, want at least %v", waits[1], held)
	}
}

func TestOnWaitIdleWorkerIsZero(t *testing.T) {
	t.Parallel()
	var log waitLog
	h := newTestHasher(t, Config{Memory: 64, Iterations: 1, Parallelism: 1, Workers: 1, OnWait: log.record}, nil)
	// Right after a job the worker may not be back at its receive yet, so
	// a call can wait a few microseconds; poll until one finds it idle.
	deadline := time.Now().Add(10 * time.Second)
	for n := 1; ; n++ {
		if err := h.VerifyDummy(context.Background(), "pw"); err != nil {
			t.Fatal(err)
		}
		waits := log.snapshot()
		if len(waits) != n {
			t.Fatalf("OnWait called %d times after %d calls", len(waits), n)
		}
		if waits[n-1] == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("no call found the worker idle; waits: %v", waits)
		}
	}
}

func TestOnWaitNotCalledWhenRefused(t *testing.T) {
	t.Parallel()
	var log waitLog
	h, g := gatedHasher(t, Config{Workers: 1, QueueWait: time.Millisecond, OnWait: log.record})
	first := occupy(t, h, g)
	waitFor(t, "the occupying call reported", func() bool { return len(log.snapshot()) == 1 })
	checkBusy(t, "timed-out call", call(t, func() error { return h.VerifyDummy(context.Background(), "pw") }))
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := h.VerifyDummy(ctx, "pw"); err == nil {
		t.Error("VerifyDummy with a canceled ctx succeeded")
	}
	g.open()
	if err := within(t, first); err != nil {
		t.Errorf("first call: %v", err)
	}
	if got := len(log.snapshot()); got != 1 {
		t.Errorf("OnWait called %d times, want 1 (refused calls are not jobs)", got)
	}
}

func TestWorkersDefault(t *testing.T) {
	h, err := New(Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	defer h.Close()
	// One per CPU: the worker processes run below everything else, so
	// they may have every core (see DefaultWorkers).
	if h.Workers() != DefaultWorkers() || DefaultWorkers() != runtime.NumCPU() {
		t.Errorf("Workers() = %d, DefaultWorkers() = %d with %d CPUs", h.Workers(), DefaultWorkers(), runtime.NumCPU())
	}
	h3, err := New(Config{Memory: 64, Iterations: 1, Parallelism: 1, Workers: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer h3.Close()
	if h3.Workers() != 3 {
		t.Errorf("Workers() = %d, want the configured 3", h3.Workers())
	}
}
