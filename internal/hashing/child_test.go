package hashing

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/argon2"
)

// childModeEnv makes the test binary act as a hash worker (see TestMain):
// "serve" is a real one at nice 5; "crash" dies on its first request;
// "hang" never answers; "mute" exits without announcing itself.
const childModeEnv = "GATEHOUSE_HASHING_TEST_CHILD"

const testNice = 5

func TestMain(m *testing.M) {
	switch os.Getenv(childModeEnv) {
	case "":
		os.Exit(m.Run())
	case "serve":
		if err := RunChild(testNice, os.Stdin, os.Stdout); err != nil {
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

func TestChildKilledIsReplaced(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
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
	victim.cmd.Process.Wait()
	again, err := d.DeriveKey(context.Background(), pw, salt, p)
	if err != nil {
		t.Fatalf("after the worker was killed: %v", err)
	}
	if !bytes.Equal(first, again) {
		t.Fatal("replacement worker derived a different key")
	}
	if n := d.Workers(); n != 1 {
		t.Errorf("%d workers after a replacement, want 1", n)
	}
}

func TestChildCrashingFailsCleanly(t *testing.T) {
	t.Parallel()
	d, logs := newTestChildren(t, "crash")
	done := make(chan error, 1)
	go func() {
		_, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p)
		done <- err
	}()
	select {
	case err := <-done:
		if err == nil {
			t.Fatal("a worker that always crashes gave a key")
		}
	case <-time.After(10 * time.Second):
		t.Fatal("DeriveKey hung on crashing workers")
	}
	if n := d.Workers(); n != 0 {
		t.Errorf("%d crashed workers kept", n)
	}
	if !bytes.Contains([]byte(logs.String()), []byte("attempt=2")) {
		t.Errorf("expected a retry, logs:\n%s", logs)
	}
}

func TestChildContextEndKillsWorker(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "hang")
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := d.DeriveKey(ctx, []byte("pw"), []byte("saltsalt"), goldenCases[0].p)
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v, want the ctx's deadline", err)
	}
	if el := time.Since(start); el > 5*time.Second {
		t.Fatalf("returned after %v", el)
	}
	if n := d.Workers(); n != 0 {
		t.Errorf("%d workers left after the ctx ended, want the hung one gone", n)
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
