package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
)

// Issue 16's start-up target.
const (
	// startupRuns is how many times the startup scenario starts the
	// server; the target judges their median.
	startupRuns = 10
	// startupMaxMedianMs is the most that median may be.
	startupMaxMedianMs = 20.0
	// startupPoll is the pause between health checks while the server
	// starts; startupTimeout the longest one start may take.
	startupPoll    = 500 * time.Microsecond
	startupTimeout = 30 * time.Second
)

// startupFigures is what the startup scenario measured.
type startupFigures struct {
	Runs int `json:"runs"`
	// Ms is each start's time from just before exec to the first 200
	// from GET /api/health, in run order; MedianMs their median.
	Ms       []float64 `json:"ms"`
	MedianMs float64   `json:"median_ms"`
	// RSSKB is each started server's summed VmRSS (with any hashing
	// worker) read right after its first 200.
	RSSKB []int64 `json:"rss_kb"`
	// Polls is how many health checks each start took.
	Polls []int `json:"polls"`
}

// runStartup measures how long `gatehouse serve` takes, on an existing
// data directory, to answer its first GET /api/health with 200. The
// directory is a copy of the standard dataset's, taken now (migrated,
// seeded, the sample logged in; the database through VACUUM INTO, a
// consistent snapshot while the standard server runs), because two
// servers must not share one SQLite file. The server is started
// startupRuns times on the copy, each on a free port and stopped
// (SIGTERM, waited for) before the next; each start is timed from just
// before exec to the first 200, polling every startupPoll over a new
// connection each time. The standard server sits idle meanwhile.
func runStartup(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "startup"}
	dataDir, ok := argAfter(h.proc.args, "--dir")
	if !ok {
		return rep, errors.New("startup: the server's command line has no --dir")
	}
	home := filepath.Join(filepath.Dir(dataDir), "startup")
	copyDir := filepath.Join(home, "data")
	h.sampler.setPhase("startup/copy")
	defer h.sampler.setPhase("between")
	if err := snapshotDataDir(ctx, dataDir, copyDir); err != nil {
		return rep, fmt.Errorf("startup: copying the data directory: %w", err)
	}
	h.progressf("startup: starting gatehouse serve %d times on a copy of the standard data directory (%s)", startupRuns, copyDir)
	h.sampler.setPhase("startup/runs")
	env := slices.DeleteFunc(slices.Clone(h.proc.env), func(kv string) bool { return strings.HasPrefix(kv, pprofEnv+"=") })
	f := &startupFigures{Runs: startupRuns}
	rep.Startup = f
	for i := range startupRuns {
		addr, err := claimAddr("127.0.0.1:0")
		if err != nil {
			return rep, err
		}
		p := &process{name: "gatehouse (startup run)", bin: h.proc.bin, env: env, addr: addr,
			logPath: filepath.Join(home, fmt.Sprintf("server-%d.log", i+1)),
			args:    []string{"serve", "--dir", copyDir, "--http", addr}}
		d, polls, err := timeStartup(ctx, p)
		var rss int64
		if err == nil {
			rss, _ = treeStatusKB(p.pid(), "VmRSS")
		}
		if stopErr := p.stop(stopGrace); err == nil {
			err = stopErr
		}
		if err != nil {
			return rep, fmt.Errorf("startup run %d: %w", i+1, err)
		}
		f.Ms, f.Polls, f.RSSKB = append(f.Ms, ms(d)), append(f.Polls, polls), append(f.RSSKB, rss)
	}
	f.MedianMs = medianMs(f.Ms)
	h.progressf("startup: median %.1f ms (%s)", f.MedianMs, joinMs(f.Ms))
	t := newTarget(fmt.Sprintf("start-up on an existing data directory, exec to the first 200 from /api/health (median of %d)", startupRuns),
		f.MedianMs, "ms", "<=", startupMaxMedianMs)
	t.Note = fmt.Sprintf("runs: %s ms; resident memory at that answer %s to %s", joinMs(f.Ms), mb(slices.Min(f.RSSKB)), mb(slices.Max(f.RSSKB)))
	rep.Targets = append(rep.Targets, t)
	return rep, nil
}

// timeStartup starts p and polls GET /api/health every startupPoll,
// each time over a new connection, until it answers 200. It returns the
// time from just before exec to that answer and the number of checks.
func timeStartup(ctx context.Context, p *process) (time.Duration, int, error) {
	hc := &http.Client{Timeout: time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	defer hc.CloseIdleConnections()
	url := p.baseURL() + "/api/health"
	start := time.Now()
	if err := p.start(); err != nil {
		return 0, 0, err
	}
	deadline := start.Add(startupTimeout)
	for polls := 1; ; polls++ {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		if err != nil {
			return 0, polls, err
		}
		if res, err := hc.Do(req); err == nil {
			_, _ = io.Copy(io.Discard, res.Body)
			res.Body.Close()
			if res.StatusCode == http.StatusOK {
				return time.Since(start), polls, nil
			}
		}
		select {
		case <-ctx.Done():
			return 0, polls, ctx.Err()
		case <-p.exited:
			return 0, polls, fmt.Errorf("%s exited during start-up (%v); its log:\n%s", p.name, p.err, p.logTail(2000))
		default:
		}
		if time.Now().After(deadline) {
			return 0, polls, fmt.Errorf("%s not healthy after %s; its log:\n%s", p.name, startupTimeout, p.logTail(2000))
		}
		time.Sleep(startupPoll)
	}
}

// medianMs is the median of xs (the mean of the middle two for an even
// count), 0 for none.
func medianMs(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Sorted(slices.Values(xs))
	n := len(s)
	return (s[(n-1)/2] + s[n/2]) / 2
}

// joinMs renders times in ms: "41.2, 38.0".
func joinMs(xs []float64) string {
	parts := make([]string, len(xs))
	for i, x := range xs {
		parts[i] = fmt.Sprintf("%.1f", x)
	}
	return strings.Join(parts, ", ")
}

// argAfter returns the argument following flag in args.
func argAfter(args []string, flag string) (string, bool) {
	i := slices.Index(args, flag)
	if i < 0 || i+1 >= len(args) {
		return "", false
	}
	return args[i+1], true
}

// snapshotDataDir copies a live data directory: the database with
// VACUUM INTO (a consistent snapshot, whatever the running server has in
// its write-ahead log), every other file as it is.
func snapshotDataDir(ctx context.Context, src, dst string) error {
	if err := os.RemoveAll(dst); err != nil {
		return err
	}
	err := filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		to := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(to, 0o700)
		case rel == "data.db" || strings.HasPrefix(rel, "data.db-"), !d.Type().IsRegular():
			return nil
		}
		return copyFile(path, to)
	})
	if err != nil {
		return err
	}
	db, err := sql.Open("sqlite", seedDSN(filepath.Join(src, "data.db")))
	if err != nil {
		return err
	}
	defer db.Close()
	_, err = db.ExecContext(ctx, "VACUUM INTO ?", filepath.Join(dst, "data.db"))
	return err
}

// copyFile copies one regular file, owner-only.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
