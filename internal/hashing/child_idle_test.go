package hashing

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"
)

// A worker left idle for IdleTimeout is stopped (counted as idle, not as
// a crash, and without a warning), and the next call starts another at
// once, without a backoff.
func TestIdleWorkerStopsAndNextCallStartsOne(t *testing.T) {
	t.Parallel()
	d, logs := newTestChildren(t, "serve")
	d.cfg.IdleTimeout = 200 * time.Millisecond
	derive := func() {
		t.Helper()
		if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p); err != nil {
			t.Fatal(err)
		}
	}
	derive()
	first := d.Pids()
	if len(first) != 1 {
		t.Fatalf("pids after a call: %v", first)
	}
	waitFor(t, "the idle worker to stop", func() bool { return d.Workers() == 0 })
	s := d.stats()
	if s.Idle != 1 || s.Crashed+s.Hung+s.Broken != 0 || s.Started != 1 {
		t.Errorf("stats after the idle stop: %+v", s)
	}
	if strings.Contains(logs.String(), "WARN") {
		t.Errorf("an idle stop logged a warning:\n%s", logs)
	}
	derive()
	if again := d.Pids(); len(again) != 1 || again[0] == first[0] {
		t.Errorf("pids after the idle stop and a call: %v, want one new worker (first was %v)", again, first)
	}
	if s := d.stats(); s.Started != 2 || s.Idle != 1 {
		t.Errorf("stats after the restart: %+v", s)
	}
}

// A worker that gets work more often than its idle timeout keeps running;
// of two workers, only the one left idle is stopped.
func TestBusyWorkerIsNotStoppedForIdleness(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	d.cfg.IdleTimeout = 500 * time.Millisecond
	p := goldenCases[0].p
	// Two workers: two calls at once.
	c1, err := d.get()
	if err != nil {
		t.Fatal(err)
	}
	c2, err := d.get()
	if err != nil {
		t.Fatal(err)
	}
	d.put(c1, true)
	d.put(c2, true)
	if n := d.Workers(); n != 2 {
		t.Fatalf("%d workers, want 2", n)
	}
	// Keep one busy for three timeouts; the idle list is a stack, so
	// calls one after another always take the same worker.
	end := time.Now().Add(1500 * time.Millisecond)
	for time.Now().Before(end) {
		if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), p); err != nil {
			t.Fatal(err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	pids := d.Pids()
	if len(pids) != 1 {
		t.Fatalf("workers after one was kept busy: %v, want 1", pids)
	}
	if !slices.Contains([]int{c1.pid, c2.pid}, pids[0]) {
		t.Errorf("the busy worker %d is not one of the first two (%d, %d)", pids[0], c1.pid, c2.pid)
	}
	if s := d.stats(); s.Idle != 1 || s.Started != 2 {
		t.Errorf("stats: %+v, want one idle stop and no new start", s)
	}
}

// Close stops the idle reaper with the workers: nothing runs after it.
func TestCloseWithIdleTimeout(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	d.cfg.IdleTimeout = 100 * time.Millisecond
	if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p); err != nil {
		t.Fatal(err)
	}
	d.Close()
	time.Sleep(200 * time.Millisecond)
	if s := d.stats(); s.Processes != 0 || s.Idle != 0 {
		t.Errorf("stats after Close: %+v", s)
	}
}
