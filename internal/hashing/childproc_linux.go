package hashing

import (
	"bytes"
	"os"
	"strconv"
	"syscall"

	"golang.org/x/sys/unix"
)

// childSysProcAttr makes the kernel kill a worker when the parent dies,
// even by SIGKILL. (Strictly: when the parent thread that started it
// exits; the worker also exits when its stdin closes, which covers the
// rest.)
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// lowerPriority puts every thread of this process in the SCHED_IDLE
// scheduling class, at nice as well. SCHED_IDLE runs a thread only on
// CPU time no ordinary thread wants, and the kernel preempts it the
// moment one wakes, so a hash never delays a token check; nice alone
// still shares the CPUs by weight and lets a hash hold one for a time
// slice (measured: see docs/decisions.md). nice is what is left if the
// kernel refuses SCHED_IDLE (a seccomp profile, say).
//
// On Linux the class and the nice value belong to a thread, and both
// calls change only the thread named, while the Go runtime has several
// threads by now and may run the hash on any. New threads inherit them
// from the thread that creates them, so once every existing thread is
// changed the whole process stays so; the scan repeats until it finds no
// thread it has not seen, in case one was being created meanwhile. Errors
// are ignored: a refusal leaves the process at a priority no higher than
// its parent's, which is safe.
func lowerPriority(nice int) {
	lower := func(tid int) {
		// The kernel ignores the nice of a SCHED_IDLE request, so it is
		// set on its own.
		attr := unix.SchedAttr{Size: unix.SizeofSchedAttr, Policy: unix.SCHED_IDLE}
		unix.SchedSetAttr(tid, &attr, 0)
		syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice)
	}
	done := map[int]bool{}
	for range 10 {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			lower(0)
			return
		}
		fresh := false
		for _, e := range ents {
			tid, err := strconv.Atoi(e.Name())
			if err != nil || done[tid] {
				continue
			}
			fresh = true
			done[tid] = true
			lower(tid)
		}
		if !fresh {
			return
		}
	}
}

// procMemory reads a process's resident memory (VmRSS) and its peak
// (VmHWM) from /proc/<pid>/status, in bytes.
func procMemory(pid int) (rss, hwm uint64, ok bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, false
	}
	rss, okR := statusKB(b, "VmRSS:")
	hwm, okH := statusKB(b, "VmHWM:")
	return rss * 1024, hwm * 1024, okR && okH
}

// statusKB finds "field   1234 kB" in the text of a status file.
func statusKB(status []byte, field string) (uint64, bool) {
	for line := range bytes.Lines(status) {
		v, ok := bytes.CutPrefix(line, []byte(field))
		if !ok {
			continue
		}
		v = bytes.TrimSpace(bytes.TrimSuffix(bytes.TrimSpace(v), []byte("kB")))
		n, err := strconv.ParseUint(string(v), 10, 64)
		return n, err == nil
	}
	return 0, false
}
