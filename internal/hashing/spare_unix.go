//go:build unix

package hashing

import (
	"syscall"
	"time"
)

// processCPU is the user and system CPU time this process has used
// (RUSAGE_SELF: its own threads, not its children).
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
