package hashing

import (
	"os"
	"strconv"
	"syscall"
)

// childSysProcAttr makes the kernel kill a worker when the parent dies,
// even by SIGKILL. (Strictly: when the parent thread that started it
// exits; the worker also exits when its stdin closes, which covers the
// rest.)
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
}

// lowerPriority sets nice on every thread of this process. On Linux the
// nice value belongs to a thread, and setpriority(PRIO_PROCESS, 0) changes
// only the calling one, while the Go runtime has several threads by now
// and may run the hash on any. New threads inherit the value of the thread
// that creates them, so once every existing thread is reniced the whole
// process stays so; the scan repeats until it finds no thread it has not
// seen, in case one was being created meanwhile. Errors are ignored: a
// refusal means the process already runs at a lower priority than asked
// (raising it needs privileges), which is fine.
func lowerPriority(nice int) {
	done := map[int]bool{}
	for range 10 {
		ents, err := os.ReadDir("/proc/self/task")
		if err != nil {
			syscall.Setpriority(syscall.PRIO_PROCESS, 0, nice)
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
			syscall.Setpriority(syscall.PRIO_PROCESS, tid, nice)
		}
		if !fresh {
			return
		}
	}
}
