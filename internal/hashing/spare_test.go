package hashing

import (
	"context"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// maxConcurrent runs n jobs that each hold a worker for hold, all at
// once, and returns the most that ran together.
func maxConcurrent(t *testing.T, p *pool, n int, hold time.Duration) int {
	t.Helper()
	var running, most atomic.Int64
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			err := p.run(context.Background(), func() error {
				now := running.Add(1)
				for {
					m := most.Load()
					if now <= m || most.CompareAndSwap(m, now) {
						break
					}
				}
				time.Sleep(hold)
				running.Add(-1)
				return nil
			})
			if err != nil {
				t.Errorf("run: %v", err)
			}
		}()
	}
	wg.Wait()
	return int(most.Load())
}

// While the server is busy, the last of two workers takes no job, so one
// hash runs at a time; once it is not, both run.
func TestSpareWorkerHeldWhileBusy(t *testing.T) {
	t.Parallel()
	var busy atomic.Bool
	busy.Store(true)
	p := newPool(2, 16, 10*time.Second, nil, busy.Load)
	t.Cleanup(p.close)
	if got := maxConcurrent(t, p, 6, 30*time.Millisecond); got != 1 {
		t.Errorf("busy server: %d jobs at once, want 1 (the spare held back)", got)
	}
	busy.Store(false)
	time.Sleep(2 * spareRecheck) // the spare looks again
	if got := maxConcurrent(t, p, 6, 30*time.Millisecond); got != 2 {
		t.Errorf("idle server: %d jobs at once, want 2", got)
	}
}

// A lone worker is never held back: a busy server still hashes.
func TestLoneWorkerNeverHeld(t *testing.T) {
	t.Parallel()
	p := newPool(1, 4, 5*time.Second, nil, func() bool { return true })
	t.Cleanup(p.close)
	if got := maxConcurrent(t, p, 3, 5*time.Millisecond); got != 1 {
		t.Errorf("%d jobs at once, want 1", got)
	}
}
