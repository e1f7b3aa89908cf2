package main

import "syscall"

// childSysProcAttr puts the server in its own process group and has the
// kernel kill it if the bench dies without cleaning up (SIGKILL, crash).
func childSysProcAttr() *syscall.SysProcAttr {
	return &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
}
