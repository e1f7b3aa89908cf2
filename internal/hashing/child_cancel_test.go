package hashing

import (
	"context"
	"errors"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// childHasher returns a one-worker Hasher whose hashes run in "slow" or
// "serve" test workers (see TestMain), and its deriver.
func childHasher(t *testing.T, mode string, queueWait time.Duration) (*Hasher, *ChildDeriver) {
	t.Helper()
	d, _ := newTestChildren(t, mode)
	cfg := cheap
	cfg.Workers, cfg.QueueWait, cfg.Deriver = 1, queueWait, d
	return newTestHasher(t, cfg, nil), d
}

// wantInterrupted fails unless err is the pool's "try again" for a
// caller that went away with cause.
func wantInterrupted(t *testing.T, err, cause error) {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) || ce.Code != core.CodeHashingInterrupted || !errors.Is(err, cause) {
		t.Fatalf("err = %v, want %s caused by %v", err, core.CodeHashingInterrupted, cause)
	}
}

// A Verify or Hash whose ctx ends while its worker hashes returns at once
// with the cancellation; the worker finishes, is not replaced, and serves
// the next call. Until it has finished it is busy: a call that cannot
// wait for it gets the busy answer.
func TestCancelledCallKeepsWorker(t *testing.T) {
	t.Parallel()
	h, d := childHasher(t, "slow", 50*time.Millisecond)
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	pids := d.Pids()
	if len(pids) != 1 {
		t.Fatalf("worker pids %v after one hash", pids)
	}
	calls := []struct {
		name string
		call func(context.Context) error
	}{
		{"Verify", func(ctx context.Context) error { _, _, err := h.Verify(ctx, enc, "pw"); return err }},
		{"Hash", func(ctx context.Context) error { _, err := h.Hash(ctx, "pw"); return err }},
		{"VerifyDummy", func(ctx context.Context) error { return h.VerifyDummy(ctx, "pw") }},
	}
	for i, c := range calls {
		ctx, cancel := context.WithCancel(context.Background())
		// Cancel exactly when the request is in the worker's pipe.
		d.sent = cancel
		start := time.Now()
		err := c.call(ctx)
		took := time.Since(start)
		d.sent = nil // read by the pool goroutine, which is still in the call
		wantInterrupted(t, err, context.Canceled)
		if took >= slowDelay {
			t.Errorf("%s: canceled call returned after %v, not before the worker's %v", c.name, took, slowDelay)
		}
		// The worker is finishing the abandoned hash: no one else gets it.
		if i == 0 {
			var ce *core.Error
			if err := h.VerifyDummy(context.Background(), "pw"); !errors.As(err, &ce) || ce.Code != core.CodeHashingBusy {
				t.Errorf("call while the worker finishes: %v, want %s", err, core.CodeHashingBusy)
			}
		}
		// The next call waits for it (QueueWait is short, so poll).
		waitFor(t, "the worker to finish the abandoned hash", func() bool {
			_, _, err := h.Verify(context.Background(), enc, "pw")
			return err == nil
		})
		if got := d.Pids(); !slices.Equal(got, pids) {
			t.Fatalf("%s: worker pids %v after a canceled call, want %v", c.name, got, pids)
		}
	}
	s := h.WorkerStats()
	if s.Started != 1 || s.Crashed+s.Hung+s.Broken != 0 || s.Processes != 1 || s.InProcess {
		t.Errorf("stats %+v, want one worker started and none ended", s)
	}
	if s.Abandoned != uint64(len(calls)) {
		t.Errorf("%d abandoned, want %d", s.Abandoned, len(calls))
	}
}

// A ctx that has ended before the worker gets the job costs no hash: the
// request is never sent.
func TestEndedCallSendsNothing(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	d.sent = func() { t.Error("a request was sent for an ended ctx") }
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := d.DeriveKey(ctx, []byte("pw"), []byte("saltsalt"), goldenCases[0].p); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if s := d.stats(); s.Started != 0 {
		t.Errorf("%d workers started for an ended ctx", s.Started)
	}
}

// A worker that dies under a call gives that call the "try again"
// answer, not a hang or an internal error, and the next call gets a new
// worker.
func TestWorkerCrashIsUnavailable(t *testing.T) {
	t.Parallel()
	// A slow worker: it cannot answer before the kill lands.
	h, d := childHasher(t, "slow", time.Second)
	enc, err := h.Hash(context.Background(), "pw")
	if err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	victim := d.idle[0]
	d.mu.Unlock()
	// Kill it when the request is in its pipe: it dies under the hash.
	d.sent = victim.kill
	_, _, err = h.Verify(context.Background(), enc, "pw")
	d.sent = nil
	wantInterrupted(t, err, errWorkerLost)
	if ok, _, err := h.Verify(context.Background(), enc, "pw"); !ok || err != nil {
		t.Fatalf("Verify after the crash: %v, %v", ok, err)
	}
	if s := h.WorkerStats(); s.Started != 2 || s.Crashed != 1 || s.Processes != 1 {
		t.Errorf("stats %+v, want 2 started, 1 crashed, 1 running", s)
	}
}
