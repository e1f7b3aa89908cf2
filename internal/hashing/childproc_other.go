//go:build !linux

package hashing

import "syscall"

// childSysProcAttr has nothing to add outside Linux: a worker there exits
// when its stdin closes, which happens when the parent dies.
func childSysProcAttr() *syscall.SysProcAttr { return nil }

// lowerPriority is a no-op outside Linux: the workers run at the parent's
// priority.
func lowerPriority(int) {}
