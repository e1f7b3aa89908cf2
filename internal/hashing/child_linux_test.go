package hashing

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// A worker must run every thread in the SCHED_IDLE class, at its nice
// value: the hash may run on any of them.
func TestChildRunsAtLowerPriority(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p); err != nil {
		t.Fatal(err)
	}
	d.mu.Lock()
	pid := d.idle[0].cmd.Process.Pid
	d.mu.Unlock()
	tasks, err := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/stat", pid))
	if err != nil || len(tasks) == 0 {
		t.Fatalf("no threads found for worker %d: %v", pid, err)
	}
	for _, path := range tasks {
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		// Fields after the command name, which ends at the last ')':
		// state is field 3, nice field 19, policy field 41.
		f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
		if got := f[19-3]; got != fmt.Sprint(testNice) {
			t.Errorf("%s: nice %s, want %d", path, got, testNice)
		}
		if got := f[41-3]; got != fmt.Sprint(unix.SCHED_IDLE) {
			t.Errorf("%s: scheduling policy %s, want SCHED_IDLE (%d)", path, got, unix.SCHED_IDLE)
		}
	}
}

// The workers' memory is read from /proc (Linux): a running worker has some.
func TestWorkerStatsMemory(t *testing.T) {
	t.Parallel()
	h, _ := childHasher(t, "serve", time.Second)
	if _, err := h.Hash(context.Background(), "pw"); err != nil {
		t.Fatal(err)
	}
	s := h.WorkerStats()
	if s.ResidentBytes < 1<<20 || s.PeakResidentBytes < s.ResidentBytes/2 {
		t.Errorf("stats %+v: implausible worker memory", s)
	}
	inproc := newTestHasher(t, cheap, nil).WorkerStats()
	if !inproc.InProcess || inproc.Processes != 0 || inproc.ResidentBytes != 0 {
		t.Errorf("in-process stats %+v", inproc)
	}
}

// procRSS reads a process's anonymous and file-backed resident memory
// (RssAnon, RssFile) in bytes.
func procRSS(t *testing.T, pid int) (anon, file uint64) {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	a, ok1 := statusKB(b, "RssAnon:")
	f, ok2 := statusKB(b, "RssFile:")
	if !ok1 || !ok2 {
		t.Fatalf("no RssAnon/RssFile in /proc/%d/status", pid)
	}
	return a << 10, f << 10
}

// A worker holds its hash's memory while hashes come one after another,
// and gives it back, with the pages of the executable it touched, once it
// has had no request for childReleaseAfter.
func TestIdleWorkerReleasesMemory(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector's memory is not given back")
	}
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	p := Params{Memory: 32 << 10, Iterations: 1, Parallelism: 1, KeyLen: 32} // 32 MiB
	if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), p); err != nil {
		t.Fatal(err)
	}
	pid := d.Pids()[0]
	if anon, _ := procRSS(t, pid); anon < 30<<20 {
		t.Fatalf("worker holds %d KiB anonymous right after a 32 MiB hash; the test cannot tell a release", anon>>10)
	}
	var anon, file uint64
	waitFor(t, "the idle worker to release its memory", func() bool {
		anon, file = procRSS(t, pid)
		return anon < 8<<20
	})
	// The hashing loop and the runtime need a few hundred KiB of the
	// executable; the start-up had touched megabytes of it.
	if file > 6<<20 {
		t.Errorf("idle worker still maps %d KiB of files", file>>10)
	}
	t.Logf("idle worker: %d KiB anonymous, %d KiB file", anon>>10, file>>10)
	if _, err := d.DeriveKey(context.Background(), []byte("pw"), []byte("saltsalt"), goldenCases[0].p); err != nil {
		t.Fatalf("a hash after the release: %v", err)
	}
	if got := d.Pids(); len(got) != 1 || got[0] != pid {
		t.Errorf("workers after the release: %v, want the same %d", got, pid)
	}
}
