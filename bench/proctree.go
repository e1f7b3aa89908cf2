package main

import (
	"errors"
	"os"
	"strconv"
	"time"
)

// The server hashes passwords in worker processes it starts itself
// (`gatehouse internal-hash-worker`), so its own /proc entries no longer
// hold the hashing's memory or CPU: a process's stat counts only the
// children it has waited for, and the workers run as long as the server.
// Memory and CPU are therefore read over the server's process tree.

// procTree returns pid followed by all its descendants, found by the
// parent pid in every /proc/<n>/stat. A process that ends during the
// scan is left out.
func procTree(pid int) []int {
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return []int{pid}
	}
	children := map[int][]int{}
	for _, e := range ents {
		n, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		b, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		if ppid, err := parseStatPPID(string(b)); err == nil {
			children[ppid] = append(children[ppid], n)
		}
	}
	out := []int{pid}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i]]...)
	}
	return out
}

// parseStatPPID reads the parent pid (field 4) out of the text of a stat
// file.
func parseStatPPID(stat string) (int, error) {
	f, err := statFields(stat, 2)
	if err != nil {
		return 0, err
	}
	return strconv.Atoi(f[1])
}

// treeStatusKB sums one "kB" field of /proc/<n>/status over pid's tree;
// it fails only if pid's own cannot be read. For VmHWM the sum is an
// upper bound of the tree's peak: each process's own peak, whenever it
// came.
func treeStatusKB(pid int, field string) (int64, error) {
	var sum int64
	for i, p := range procTree(pid) {
		kb, err := procStatusKB(p, field)
		if err != nil {
			if i == 0 {
				return 0, err
			}
			continue
		}
		sum += kb
	}
	return sum, nil
}

// resetTreePeak restarts the kernel's VmHWM count for every process of
// pid's tree (resetPeak), so a scenario's peak is its own.
func resetTreePeak(pid int) error {
	var errs []error
	for _, p := range procTree(pid) {
		errs = append(errs, resetPeak(p))
	}
	return errors.Join(errs...)
}

// treeCPU returns the user+system CPU time pid's tree has used so far.
func treeCPU(pid int) (cpu time.Duration, err error) {
	for i, p := range procTree(pid) {
		c, err := procCPU(strconv.Itoa(p))
		if err != nil {
			if i == 0 {
				return 0, err
			}
			continue
		}
		cpu += c
	}
	return cpu, nil
}
