//go:build !linux

package main

import "syscall"

// childSysProcAttr has no portable equivalent of Linux's parent-death
// signal; the bench's own cleanup stops the server on normal exits and
// signals. (The memory and CPU sampling needs Linux's /proc anyway.)
func childSysProcAttr() *syscall.SysProcAttr { return nil }
