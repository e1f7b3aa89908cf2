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
