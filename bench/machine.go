package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"time"
)

// machine describes where a run happened, so recorded results can be
// compared (or not) with another run.
type machine struct {
	NumCPU     int    `json:"nproc"`
	CPUModel   string `json:"cpu_model"`
	MemTotal   string `json:"mem_total"`
	Kernel     string `json:"kernel"`
	OSArch     string `json:"os_arch"`
	GoVersion  string `json:"go_version"`
	Date       string `json:"date"`
	Commit     string `json:"commit"`
	TreeStatus string `json:"tree_status"` // "clean" or "modified" (outside bench/)
}

// describeMachine gathers the machine, toolchain and source revision.
// Missing pieces read "unknown" rather than failing the run.
func describeMachine(ctx context.Context, root string) machine {
	m := machine{
		NumCPU:     runtime.NumCPU(), // the CPUs this process may use, as nproc counts them
		CPUModel:   procField("/proc/cpuinfo", "model name"),
		MemTotal:   memTotal(procField("/proc/meminfo", "MemTotal")),
		Kernel:     readTrim("/proc/sys/kernel/osrelease"),
		OSArch:     runtime.GOOS + "/" + runtime.GOARCH,
		GoVersion:  command(ctx, root, "go", "env", "GOVERSION"),
		Date:       time.Now().UTC().Format(time.RFC3339),
		Commit:     command(ctx, root, "git", "rev-parse", "HEAD"),
		TreeStatus: "clean",
	}
	// Uncommitted changes to the server matter for reproducing a figure;
	// changes to the bench itself do not.
	out := command(ctx, root, "git", "status", "--porcelain", "--", ".", ":(exclude)bench")
	if out == "unknown" {
		m.TreeStatus = "unknown"
	} else if out != "" {
		m.TreeStatus = "modified"
	}
	return m
}

// procField returns the value of the first "name : value" line of a
// /proc file.
func procField(path, name string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(k) == name {
			return strings.TrimSpace(v)
		}
	}
	return "unknown"
}

// memTotal turns /proc/meminfo's "24684096 kB" into "23.5 GiB RAM".
func memTotal(v string) string {
	kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(v, "kB")), 10, 64)
	if err != nil {
		return v
	}
	return fmt.Sprintf("%.1f GiB RAM", float64(kb)/(1<<20))
}

func readTrim(path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(b))
}

// command runs a short command in dir and returns its trimmed output, or
// "unknown" if it failed.
func command(ctx context.Context, dir, name string, args ...string) string {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	out, err := cmd.Output()
	if err != nil {
		return "unknown"
	}
	return strings.TrimSpace(string(out))
}
