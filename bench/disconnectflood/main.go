// Command disconnectflood measures what a flood of password logins whose
// clients hang up during the hash costs the server (issue 15): worker
// processes forked, the peak resident memory of the server and its
// hashing workers summed, and their CPU. It starts the given gatehouse
// binary on a fresh data directory with the default argon2id cost and
// rate limits off, signs one user up, logs in once (the first worker
// starts), then sends -n logins from -c clients that each give up after
// -timeout, and logs in normally once more.
//
//	go build -o /tmp/gatehouse ./cmd/gatehouse
//	go run ./bench/disconnectflood -bin /tmp/gatehouse -n 1000 -c 4 -timeout 10ms
//
// Forks are counted two ways: worker pids seen by polling the server's
// children every millisecond (a lower bound: a worker that lives less
// than that can be missed) and, where the server exports it,
// gatehouse_hashing_worker_starts_total (exact). CPU is the server's user
// and system time, its reaped children's, and its live children's. Linux
// only (/proc).
package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	bin := flag.String("bin", "", "gatehouse binary to run (required)")
	n := flag.Int("n", 1000, "logins in the flood")
	conc := flag.Int("c", 4, "concurrent clients")
	timeout := flag.Duration("timeout", 10*time.Millisecond, "each flood client's timeout: it hangs up then")
	flag.Parse()
	if *bin == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*bin, *n, *conc, *timeout); err != nil {
		fmt.Fprintln(os.Stderr, "disconnectflood:", err)
		os.Exit(1)
	}
}

func run(bin string, n, conc int, timeout time.Duration) error {
	dir, err := os.MkdirTemp("", "disconnectflood")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfg := filepath.Join(dir, "gatehouse.yaml")
	if err := os.WriteFile(cfg, []byte("security:\n  rate_limits:\n    enabled: false\nlog:\n  level: warn\n"), 0o600); err != nil {
		return err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return err
	}
	addr := ln.Addr().String()
	ln.Close()
	cmd := exec.Command(bin, "serve", "--http", addr, "--dir", filepath.Join(dir, "data"), "--config", cfg)
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	var logs bytes.Buffer
	cmd.Stderr = &logs
	if err := cmd.Start(); err != nil {
		return err
	}
	defer func() {
		cmd.Process.Signal(os.Interrupt)
		cmd.Wait()
	}()
	base := "http://" + addr
	for start := time.Now(); ; time.Sleep(50 * time.Millisecond) {
		if r, err := http.Get(base + "/api/health"); err == nil {
			r.Body.Close()
			break
		}
		if time.Since(start) > 30*time.Second {
			return fmt.Errorf("server did not start:\n%s", logs.String())
		}
	}
	const pw = "flood password 1"
	post(base+"/api/collections/users/records", `{"email":"f@example.com","password":"`+pw+`","passwordConfirm":"`+pw+`"}`, 0)
	login := `{"identity":"f@example.com","password":"` + pw + `"}`
	if st := post(base+"/api/collections/users/auth-with-password", login, 0); st != 200 {
		return fmt.Errorf("first login answered %d:\n%s", st, logs.String())
	}
	pid := cmd.Process.Pid
	startsBefore := metric(base, "gatehouse_hashing_worker_starts_total")
	seen := map[int]bool{}
	for _, c := range children(pid) {
		seen[c] = true
	}
	before := len(seen)
	cpu0 := treeCPU(pid)
	var peak int64
	stop := make(chan struct{})
	var sampler sync.WaitGroup
	sampler.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			sum := statusKB(pid, "VmRSS")
			for _, c := range children(pid) {
				seen[c] = true
				sum += statusKB(c, "VmRSS")
			}
			peak = max(peak, sum)
			time.Sleep(time.Millisecond)
		}
	})
	start := time.Now()
	var next atomic.Int64
	var mu sync.Mutex
	codes := map[int]int{}
	var clients sync.WaitGroup
	for range conc {
		clients.Go(func() {
			for next.Add(1) <= int64(n) {
				st := post(base+"/api/collections/users/auth-with-password", login, timeout)
				mu.Lock()
				codes[st]++
				mu.Unlock()
			}
		})
	}
	clients.Wait()
	flood := time.Since(start)
	// A normal login once the flood is over; it waits for the last
	// abandoned hashes like any login would.
	after := post(base+"/api/collections/users/auth-with-password", login, 0)
	close(stop)
	sampler.Wait()
	cpu := treeCPU(pid) - cpu0
	fmt.Printf("flood: %d logins, %d clients, client timeout %v, %v\n", n, conc, timeout, flood.Round(time.Millisecond))
	for st, k := range codes {
		what := strconv.Itoa(st)
		if st < 0 {
			what = "client gave up"
		}
		fmt.Printf("  %s: %d\n", what, k)
	}
	fmt.Printf("worker processes seen: %d before, %d new during the flood\n", before, len(seen)-before)
	if s := metric(base, "gatehouse_hashing_worker_starts_total"); startsBefore >= 0 && s >= 0 {
		fmt.Printf("worker starts (metric): %v during the flood\n", s-startsBefore)
	}
	fmt.Printf("peak RSS, server + workers: %.1f MiB\n", float64(peak)/1024)
	fmt.Printf("CPU, server + workers: %.2f s (%.2f ms per login)\n", cpu, cpu*1000/float64(n))
	fmt.Printf("normal login after the flood: %d\n", after)
	if m, err := http.Get(base + "/metrics"); err == nil {
		b, _ := io.ReadAll(m.Body)
		m.Body.Close()
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "gatehouse_hashing_") && !strings.Contains(l, "_bucket") {
				fmt.Println("  ", l)
			}
		}
	}
	return nil
}

// post sends a JSON body and returns the status, or -1 when the client
// gave up (timeout) or failed.
func post(url, body string, timeout time.Duration) int {
	ctx := context.Background()
	if timeout > 0 {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, timeout)
		defer cancel()
	}
	req, err := http.NewRequestWithContext(ctx, "POST", url, strings.NewReader(body))
	if err != nil {
		return -1
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return -1
	}
	io.Copy(io.Discard, res.Body)
	res.Body.Close()
	return res.StatusCode
}

// metric reads one unlabelled series from /metrics, -1 if absent.
func metric(base, name string) float64 {
	r, err := http.Get(base + "/metrics")
	if err != nil {
		return -1
	}
	defer r.Body.Close()
	b, _ := io.ReadAll(r.Body)
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, name+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}

// children lists pid's child processes.
func children(pid int) []int {
	var out []int
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, _ := os.ReadFile(t)
		for _, f := range strings.Fields(string(b)) {
			if n, err := strconv.Atoi(f); err == nil {
				out = append(out, n)
			}
		}
	}
	return out
}

// statusKB reads one "kB" field of /proc/<pid>/status; 0 if it is gone.
func statusKB(pid int, field string) int64 {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(l, field+":"); ok {
			n, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return n
		}
	}
	return 0
}

// treeCPU is, in seconds, the server's utime+stime+cutime+cstime (its
// own CPU and that of the children it reaped) plus its live children's
// utime+stime.
func treeCPU(pid int) float64 {
	var ticks int64
	add := func(f []string, idx ...int) {
		for _, i := range idx {
			if i < len(f) {
				v, _ := strconv.ParseInt(f[i], 10, 64)
				ticks += v
			}
		}
	}
	// Fields 14-17 of stat, counted from the state (field 3) at index 0.
	add(statFields(pid), 11, 12, 13, 14)
	for _, c := range children(pid) {
		add(statFields(c), 11, 12)
	}
	return float64(ticks) / 100 // USER_HZ
}

func statFields(pid int) []string {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return nil
	}
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 || i+2 > len(s) {
		return nil
	}
	return strings.Fields(s[i+2:])
}
