package hashing

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"testing"

	"golang.org/x/crypto/argon2"
)

// hugePageMappings lists the mappings of pid that carry the huge page
// advice (the "hg" flag of /proc/<pid>/smaps).
func hugePageMappings(t *testing.T, pid int) []string {
	t.Helper()
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/smaps", pid))
	if err != nil {
		t.Fatal(err)
	}
	var found []string
	var mapping string
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		f := bytes.Fields(sc.Bytes())
		if len(f) == 0 {
			continue
		}
		if !bytes.HasSuffix(f[0], []byte(":")) {
			mapping = string(f[0])
			continue
		}
		if string(f[0]) != "VmFlags:" {
			continue
		}
		for _, flag := range f[1:] {
			if string(flag) == "hg" {
				found = append(found, mapping)
			}
		}
	}
	return found
}

// A worker's collector pace is off; without a memory limit the Go runtime
// takes that for a heap past 1 GiB and asks for huge pages on its own
// metadata, where every 2 MiB region a hash touches became 2 MiB
// resident (memoryLimitFor). A worker that has hashed has no mapping
// advised so, and its answers are still right.
func TestWorkerMetadataWithoutHugePages(t *testing.T) {
	t.Parallel()
	d, _ := newTestChildren(t, "serve")
	p := Params{Memory: 4 << 10, Iterations: 1, Parallelism: 1, KeyLen: 32}
	for i := range 3 {
		pw := []byte(fmt.Sprintf("pw%d", i))
		key, err := d.DeriveKey(context.Background(), pw, []byte("saltsalt"), p)
		if err != nil {
			t.Fatal(err)
		}
		if want := argon2.IDKey(pw, []byte("saltsalt"), 1, 4<<10, 1, 32); !bytes.Equal(key, want) {
			t.Fatalf("hash %d: key %x, want %x", i, key, want)
		}
	}
	if hp := hugePageMappings(t, d.Pids()[0]); len(hp) != 0 {
		t.Errorf("worker mappings advised for huge pages after hashing: %v", hp)
	}
}
