package main

import (
	"fmt"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"
)

// rssFileKB reads a process's resident file-backed memory.
func rssFileKB(t *testing.T, pid int) int {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		t.Fatal(err)
	}
	for line := range strings.Lines(string(b)) {
		if v, ok := strings.CutPrefix(line, "RssFile:"); ok {
			n, err := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(v), " kB"))
			if err != nil {
				t.Fatal(err)
			}
			return n
		}
	}
	t.Fatalf("no RssFile in /proc/%d/status", pid)
	return 0
}

// Once it has served for startTrimAfter, serve drops the pages of its
// binary that start-up touched, once, and goes on answering.
func TestServeDropsStartUpPages(t *testing.T) {
	t.Parallel()
	ts := startNode(t, nodeOpts{})
	before := rssFileKB(t, ts.pid)
	deadline := time.Now().Add(startTrimAfter + 10*time.Second)
	after := before
	for time.Now().Before(deadline) {
		if after = rssFileKB(t, ts.pid); after < before-2048 {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if after >= before-2048 {
		t.Fatalf("RssFile %d kB after start, %d kB later: start-up's pages were not dropped", before, after)
	}
	t.Logf("RssFile %d kB after start, %d kB after the drop", before, after)
	res, err := http.Get(ts.URL + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("health after the drop: %d", res.StatusCode)
	}
}
