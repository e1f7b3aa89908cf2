package memtrim

import (
	"os"
	"strconv"
	"strings"
	"testing"
)

// rssFileKB reads this process's resident file-backed memory.
func rssFileKB(t *testing.T) int {
	t.Helper()
	b, err := os.ReadFile("/proc/self/status")
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
	t.Fatal("no RssFile in /proc/self/status")
	return 0
}

// The test binary's start-up left pages of it resident; dropping them
// shrinks the file-backed resident memory, and the process goes on
// running code from those pages (they fault back in).
func TestDropFilePagesShrinksResidentFilePages(t *testing.T) {
	before := rssFileKB(t)
	DropFilePages()
	after := rssFileKB(t)
	if after >= before {
		t.Fatalf("RssFile %d kB before, %d kB after: nothing dropped", before, after)
	}
	t.Logf("RssFile %d kB -> %d kB", before, after)
	// Code and read-only data all over the binary still work.
	if s := strconv.Quote(strings.Repeat("é", 3)); s != `"ééé"` {
		t.Fatalf("Quote = %s", s)
	}
}
