//go:build !linux

package hashing

import "syscall"

// childSysProcAttr has nothing to add outside Linux: a worker there exits
// when its stdin closes, which happens when the parent dies.
func childSysProcAttr() *syscall.SysProcAttr { return nil }

// lowerPriority is a no-op outside Linux: the workers run at the parent's
// priority.
func lowerPriority(int) {}

// procMemory is unavailable outside Linux: the memory figures read 0.
func procMemory(int) (rss, hwm uint64, ok bool) { return 0, 0, false }
