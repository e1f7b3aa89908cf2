package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"time"
)

// pprofEnv is bench/pprofhook's variable (pprofhook.Env; a test keeps
// them equal): the address a profiling build serves net/http/pprof on.
const pprofEnv = "GATEHOUSE_BENCH_PPROF"

// profiler takes CPU profiles of a server built with -pprof, one per
// closed-loop phase, into dir as <scenario>[-<dataset>].cpu.pprof.
type profiler struct {
	addr string // where the server serves /debug/pprof/
	dir  string
}

// capture starts a CPU profile of about d and returns a function that
// waits for it and writes it. A nil profiler captures nothing. A failed
// profile is reported as a progress line, not an error: it must not cost
// the measurement.
func (p *profiler) capture(ctx context.Context, h *harness, d time.Duration) (wait func()) {
	if p == nil {
		return func() {}
	}
	secs := max(1, int(d/time.Second))
	path := filepath.Join(p.dir, h.scenario+h.fileSuffix+".cpu.pprof")
	done := make(chan error, 1)
	go func() { done <- p.fetch(ctx, secs, path) }()
	return func() {
		if err := <-done; err != nil {
			h.progressf("profile of %s: %v", h.scenario, err)
			return
		}
		h.progressf("wrote %s (go tool pprof -top %s)", path, path)
	}
}

func (p *profiler) fetch(ctx context.Context, secs int, path string) error {
	if err := os.MkdirAll(p.dir, 0o755); err != nil {
		return err
	}
	url := fmt.Sprintf("http://%s/debug/pprof/profile?seconds=%d", p.addr, secs)
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return err
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", url, res.StatusCode)
	}
	b, err := io.ReadAll(res.Body)
	if err != nil {
		return err
	}
	return os.WriteFile(path, b, 0o644)
}
