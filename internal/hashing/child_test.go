package hashing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// childModeEnv makes the test binary act as a hash worker (see TestMain):
// "serve" is a real one at nice 5; "slow" is a real one that starts each
// hash slowDelay after its request arrives; "crash" dies on its first
// request; "hang" never answers; "mute" exits without announcing itself.
const childModeEnv = "GATEHOUSE_HASHING_TEST_CHILD"

const testNice = 5

// slowDelay is how long a "slow" worker takes per request: far longer
// than a canceled call may take to return.
const slowDelay = 500 * time.Millisecond

func TestMain(m *testing.M) {
	switch os.Getenv(childModeEnv) {
	case "":
		os.Exit(m.Run())
	case "serve":
		if err := RunChild(testNice, os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
	case "slow":
		if err := serveChild(slowReader{os.Stdin}, os.Stdout, nil); err != nil {
			os.Exit(1)
		}
	case "crash", "hang":
		os.Stdout.WriteString(childReady)
		io.ReadFull(os.Stdin, make([]byte, reqHeaderLen))
		if os.Getenv(childModeEnv) == "crash" {
			os.Exit(3)
		}
		time.Sleep(time.Hour) // select{} would be a deadlock the runtime kills
	}
	os.Exit(0)
}

// slowReader delays every read by slowDelay once its data has arrived.
type slowReader struct{ r io.Reader }

func (s slowReader) Read(p []byte) (int, error) {
	n, err := s.r.Read(p)
	time.Sleep(slowDelay)
	return n, err
}

// newTestChildren returns a ChildDeriver running this test binary in mode,
// closed at the end of the test, and the buffer its logger writes to.
func newTestChildren(t *testing.T, mode string) (*ChildDeriver, *syncBuffer) {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	logs := &syncBuffer{}
	d := NewChildDeriver(ChildConfig{
		Path: exe, Env: []string{childModeEnv + "=" + mode},
		Logger: slog.New(slog.NewTextHandler(logs, nil)),
	})
	t.Cleanup(func() { d.Close() })
	return d, logs
}

// syncBuffer is a bytes.Buffer safe for a logger used by several
// goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var goldenCases = []struct {
	password, salt string
	p              Params
}{
	{"correct horse", "0123456789abcdef", Params{Memory: 64, Iterations: 1, Parallelism: 1, KeyLen: 32}},
	{"", "saltsalt", Params{Memory: 256, Iterations: 3, Parallelism: 2, KeyLen: 16}},
	{"pässwörd ✓", "a longer salt of 32 bytes.......", Params{Memory: 1024, Iterations: 2, Parallelism: 4, KeyLen: 64}},
	{string(bytes.Repeat([]byte{0xff, 0}, 600)), "\x00\x01\x02\x03\x04\x05\x06\x07", Params{Memory: 19456, Iterations: 2, Parallelism: 1, KeyLen: 32}},
}

func TestChildMatchesInProcess(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	for i, tc := range goldenCases {
		got, err := d.DeriveKey(context.Background(), []byte(tc.password), []byte(tc.salt), tc.p)
		if err != nil {
			t.Fatalf("case %d: %v", i, err)
		}
		want := argon2.IDKey([]byte(tc.password), []byte(tc.salt), tc.p.Iterations, tc.p.Memory, tc.p.Parallelism, tc.p.KeyLen)
		if !bytes.Equal(got, want) {
			t.Errorf("case %d: child key %x, in-process %x", i, got, want)
		}
	}
	if n := d.Workers(); n != 1 {
		t.Errorf("sequential calls used %d workers, want 1 reused", n)
	}
}

func TestChildConcurrent(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	p := Params{Memory: 64, Iterations: 1, Parallelism: 1, KeyLen: 32}
	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for g := range 4 {
		wg.Go(func() {
			for i := range 10 {
				pw := fmt.Appendf(nil, "password %d/%d", g, i)
				salt := []byte("saltsaltsalt")
				got, err := d.DeriveKey(context.Background(), pw, salt, p)
				if err == nil && !bytes.Equal(got, argon2.IDKey(pw, salt, 1, 64, 1, 32)) {
					err = fmt.Errorf("wrong key for %q", pw)
				}
				if err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	if n := d.Workers(); n < 1 || n > 4 {
		t.Errorf("%d workers for 4 concurrent callers", n)
	}
}

// A worker killed while idle (the OOM killer, say) is forgotten once
// reaped, so the next call gets a new worker, and the death counts as a
// crash.
func TestChildKilledIsReplaced(t *testing.T) {
	t.Parallel()
	d, logs := newTestChildren(t, "serve")
	p := goldenCases[0].p
	pw, salt := []byte("pw"), []byte("saltsalt")
	first, err := d.DeriveKey(context.Background(), pw, salt, p)
	if err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	victim := d.idle[0]
	d.mu.Unlock()
	victim.kill()
	<-victim.exited
	if n := d.Workers(); n != 0 {
		t.Fatalf("%d workers after the only one was reaped", n)
	}
	again, err := d.DeriveKey(context.Background(), pw, salt, p)
	if err != nil {
		t.Fatalf("after the worker was killed: %v", err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("replacement worker derived a different key")
	}
	s := d.stats()
	if s.Started != 2 || s.Crashed != 1 || s.Hung+s.Broken != 0 {
		t.Errorf("stats %+v, want 2 started and 1 crashed", s)
	}
	if pids := d.Pids(); len(pids) != 1 || pids[0] == victim.pid {
		t.Errorf("worker pids %v after replacing %d", pids, victim.pid)
	}
	waitFor(t, "the death to be logged", func() bool { return strings.Contains(logs.String(), "signal: killed") })
}

// A worker that dies during a call fails that call at once with
// errWorkerLost (the Hasher's "try again"), and one that keeps dying is
// restarted with a growing backoff instead of once per call.
func TestChildCrashingBacksOff(t *testing.T) {
	t.Parallel()
	d, logs := newTestChildren(t, "crash")
	d.backoffBase, d.backoffMax = 200*time.Millisecond, 400*time.Millisecond
	call := func() error {
		t.Helper()
		done := make(chan error, 1)
		go func() {
			_, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p)
			done <- err
		}()
		select {
		case err := <-done:
			return err
		case <-time.After(10 * time.Second):
			t.Fatal("DeriveKey hung on a crashing worker")
			return nil
		}
	}
	started := func() uint64 { return d.stats().Started }
	// The first crash is replaced at once, the second after the base.
	for i := range 2 {
		if err := call(); !errors.Is(err, errWorkerLost) {
			t.Fatalf("call %d: %v, want errWorkerLost", i+1, err)
		}
		waitFor(t, "the crash to be recorded", func() bool { return d.stats().Crashed == uint64(i+1) })
	}
	if n := started(); n != 2 {
		t.Fatalf("%d workers started for two calls", n)
	}
	var backoff *backoffError
	if err := call(); !errors.As(err, &backoff) || backoff.wait > 200*time.Millisecond {
		t.Fatalf("call right after the second crash: %v, want a backoff of at most 200ms", err)
	}
	if n := started(); n != 2 {
		t.Fatalf("a worker was started during the backoff (%d started)", n)
	}
	// After the backoff one worker starts (and dies); the next wait
	// doubles, up to the cap.
	waitFor(t, "the backoff to end", func() bool { return !errors.As(call(), &backoff) })
	waitFor(t, "the crash to be recorded", func() bool { return d.stats().Crashed == 3 })
	if n := started(); n != 3 {
		t.Fatalf("%d workers started after the backoff, want 3", n)
	}
	if err := call(); !errors.As(err, &backoff) || backoff.wait <= 200*time.Millisecond {
		t.Fatalf("call after the third crash: %v, want a backoff above 200ms", err)
	}
	if n := d.Workers(); n != 0 {
		t.Errorf("%d crashed workers kept", n)
	}
	if n := strings.Count(logs.String(), "password hashing worker died"); n != 3 {
		t.Errorf("%d deaths logged, want 3:\n%s", n, logs)
	}
}

// A worker that hangs is killed once its caller has gone and the grace
// has passed, not kept for the whole guard.
func TestChildHungWorkerKilledAfterGrace(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "hang")
	d.grace = 100 * time.Millisecond
	// Start the worker first: on a loaded machine starting it may take
	// longer than the call's whole deadline, and a call whose deadline
	// passes while its worker starts sends nothing (no hang to kill).
	c, err := d.get()
	if err != nil {
		t.Fatal(err)
	}
	d.put(c, true)
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err = d.DeriveKey(ctx, []byte("pw"), []byte("saltsalt"), goldenCases[0].p)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the ctx's deadline", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("returned after %v", el)
	}
	if n := d.Workers(); n != 0 {
		t.Errorf("%d workers left after the grace, want the hung one gone", n)
	}
	if s := d.stats(); s.Hung != 1 || s.Crashed+s.Broken != 0 {
		t.Errorf("stats %+v, want one hung", s)
	}
}

func TestChildCloseStopsBusyWorkers(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "hang")
	done := make(chan error, 1)
	go func() {
		_, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p)
		done <- err
	}()
	for d.Workers() == 0 {
		time.Sleep(5 * time.Millisecond)
	}
	d.Close()
	select {
	case err := <-done:
		if !errors.Is(err, ErrClosed) {
			t.Fatalf("busy call after Close: %v, want ErrClosed", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Close did not end the busy call")
	}
	if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p); !errors.Is(err, ErrClosed) {
		t.Fatalf("call after Close: %v, want ErrClosed", err)
	}
}

func TestChildFallsBackInProcess(t *testing.T) {
	t.Parallel()
	for _, mode := range []string{"missing", "mute"} {
		t.Run(mode, func(t *testing.T) {
			t.Parallel()
			d, logs := newTestChildren(t, mode)
			if mode == "missing" {
				d.cfg.Path = "/nonexistent/gatehouse"
			}
			tc := goldenCases[1]
			want := argon2.IDKey([]byte(tc.password), []byte(tc.salt), tc.p.Iterations, tc.p.Memory, tc.p.Parallelism, tc.p.KeyLen)
			for range 3 {
				got, err := d.DeriveKey(context.Background(), []byte(tc.password), []byte(tc.salt), tc.p)
				if err != nil || !bytes.Equal(got, want) {
					t.Fatalf("fallback: %x, %v; want %x", got, err, want)
				}
			}
			if n := bytes.Count([]byte(logs.String()), []byte("could not be started")); n != 1 {
				t.Errorf("%d warnings, want 1:\n%s", n, logs)
			}
		})
	}
}
