package memtrim

import (
	"bufio"
	"bytes"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// DropFilePages takes out of this process's page tables the pages of its
// read-only file mappings (the executable's code and read-only data, the
// C library's) that it never wrote to. Nothing is lost: the pages stay in
// the page cache, shared with every process mapping the same file, and any
// the process touches again fault back in (a minor fault, no disk read).
// What goes is the resident memory start-up left behind: the Go runtime
// and every package's initialisation touch pages all over the binary,
// each fault mapping its neighbours too (the kernel's fault-around).
// Measured: a hashing worker that had hashed nothing held ~14 MiB of the
// binary (RssFile 13.8 MiB of 15.5 MiB VmRSS) of which its hashing loop
// needs a few hundred KiB.
//
// Only mappings without write permission and without anonymous (copied
// on write) pages are dropped: MADV_DONTNEED on a private mapping
// discards its private copies, which for relocated read-only data (the C
// library's RELRO) would bring back the unrelocated file contents.
func DropFilePages() {
	b, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return
	}
	var start, end uint64
	candidate := false
	flush := func(anonymous uint64) {
		if candidate && anonymous == 0 && end > start {
			unix.Syscall(unix.SYS_MADVISE, uintptr(start), uintptr(end-start), unix.MADV_DONTNEED)
		}
		candidate = false
	}
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		line := sc.Bytes()
		if v, ok := bytes.CutPrefix(line, []byte("Anonymous:")); ok {
			n, err := strconv.ParseUint(string(bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))), 10, 64)
			if err != nil {
				n = 1 // unreadable: leave the mapping alone
			}
			flush(n)
			continue
		}
		f := bytes.Fields(line)
		if len(f) < 5 || bytes.IndexByte(f[0], '-') < 0 || bytes.HasSuffix(f[0], []byte(":")) {
			continue // a field line other than Anonymous
		}
		// A mapping's header: "start-end perms offset dev inode [path]".
		candidate = false
		lo, hi, _ := bytes.Cut(f[0], []byte("-"))
		s, err1 := strconv.ParseUint(string(lo), 16, 64)
		e, err2 := strconv.ParseUint(string(hi), 16, 64)
		perms := f[1]
		if err1 != nil || err2 != nil || len(perms) < 4 || len(f) < 6 {
			continue // anonymous mappings have no path
		}
		if perms[0] != 'r' || perms[1] != '-' || perms[3] != 'p' || f[5][0] != '/' {
			continue // writable, shared, or not a file ([vdso], [heap], ...)
		}
		start, end, candidate = s, e, true
	}
}
