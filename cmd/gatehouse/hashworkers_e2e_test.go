//go:build linux

package main

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// A flood of logins whose clients hang up during the hash (issue 15)
// neither forks hashing workers nor grows their memory: the same worker
// processes finish the abandoned hashes and serve the next login.
//
// Not parallel on purpose: the workers are children of this test process,
// and with no other test running they are the only hash workers among
// them, so their pids can be read from /proc.
func TestDisconnectingLoginFloodKeepsWorkers(t *testing.T) {
	const workers = 2
	ts := startServer(t, serverOpts{Env: map[string]string{
		// The default cost, so a hash takes long enough (tens of ms) for
		// a client to hang up during it.
		"GATEHOUSE_PASSWORDS_ARGON2_MEMORY_KIB":  "19456",
		"GATEHOUSE_PASSWORDS_ARGON2_ITERATIONS":  "2",
		"GATEHOUSE_PASSWORDS_WORKERS":            strconv.Itoa(workers),
		"GATEHOUSE_SECURITY_RATE_LIMITS_ENABLED": "false",
		// The same workers throughout, however slow the machine.
		"GATEHOUSE_PASSWORDS_WORKER_IDLE_TIMEOUT": "0",
	}})
	const email, password = "flood@example.com", "flood password 1"
	ts.do(t, "POST", "/api/collections/users/records", map[string]any{
		"email": email, "password": password, "passwordConfirm": password,
	}).want(t, 200)
	// Warm up until both workers run: concurrent logins, as many rounds
	// as it takes the pool to hand out both.
	for round := 0; workerMetric(t, ts, "gatehouse_hashing_worker_processes") < workers; round++ {
		if round == 50 {
			t.Fatalf("only %v workers after 50 rounds of %d concurrent logins",
				workerMetric(t, ts, "gatehouse_hashing_worker_processes"), workers)
		}
		var wg sync.WaitGroup
		for range workers {
			wg.Go(func() { ts.loginAs(t, email, password).want(t, 200) })
		}
		wg.Wait()
	}
	// How long a login takes here (store and hash), so the flood's
	// clients hang up during their hash on any backend and machine.
	var took []time.Duration
	for range 5 {
		start := time.Now()
		ts.loginAs(t, email, password).want(t, 200)
		took = append(took, time.Since(start))
	}
	slices.Sort(took)
	login := took[len(took)/2]
	before := scrapeWorkers(t, ts)
	pids := hashWorkerPids(t)
	if len(pids) != workers {
		t.Fatalf("hash worker processes %v, want %d", pids, workers)
	}

	// A flood's hang-ups are timed from the warm-up's login, so on a
	// loaded machine all of one flood's may land outside the hashes (on
	// PostgreSQL about one run in ten did): up to three floods, until one
	// abandons a hash. Every check below holds after all of them.
	var after workerFigures
	for range 3 {
		floodDisconnecting(t, ts, email, password, 200, login)
		// The last abandoned hashes finish within milliseconds; a
		// normal login then gets a worker as usual.
		ts.loginAs(t, email, password).want(t, 200)
		if after = scrapeWorkers(t, ts); after.abandoned > before.abandoned {
			break
		}
	}
	if got := hashWorkerPids(t); !slices.Equal(got, pids) {
		t.Errorf("hash worker pids %v after the flood, want the same %v", got, pids)
	}
	if after.starts != before.starts || after.exits != 0 || after.processes != workers {
		t.Errorf("workers after the flood: %+v, before: %+v; want no start and no exit", after, before)
	}
	if after.abandoned <= before.abandoned {
		t.Errorf("no hash was abandoned (%v): the flood did not hang up during hashes", after.abandoned)
	}
	// Memory: the workers' peak is set by the warm-up's hashes (one hash's
	// memory each); abandoned hashes must not add to it. The resident sum
	// before the flood may be lower (a worker left idle for a second
	// gives its hash's memory back); after it, each worker holds at most
	// one hash's.
	if limit := before.peak*11/10 + 1<<20; after.peak > limit || after.resident > workers*limit+4<<20 {
		t.Errorf("worker memory grew: peak %v -> %v, resident %v -> %v", before.peak, after.peak, before.resident, after.resident)
	}
	t.Logf("flood: %v hashes abandoned; workers %v, resident %.1f MiB, peak %.1f MiB",
		after.abandoned-before.abandoned, pids, after.resident/(1<<20), after.peak/(1<<20))

	// A worker killed from outside (the OOM killer, say) is reaped and
	// counted as a crash, and logins go on.
	if err := syscall.Kill(pids[0], syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	for workerMetric(t, ts, `gatehouse_hashing_worker_exits_total{reason="crash"}`) != 1 {
		if time.Now().After(deadline) {
			t.Fatal("the killed worker was not counted as a crash")
		}
		time.Sleep(10 * time.Millisecond)
	}
	ts.loginAs(t, email, password).want(t, 200)
	if got := hashWorkerPids(t); slices.Contains(got, pids[0]) || len(got) < 1 || len(got) > workers {
		t.Errorf("hash worker pids %v after killing %d", got, pids[0])
	}
}

// floodDisconnecting sends n logins from 8 clients, each hanging up early:
// most after a timeout between a third of a login's time and all of it
// (so during the hash, or the wait for a worker), every fourth by closing
// the connection right after the request.
func floodDisconnecting(t *testing.T, ts *testServer, email, password string, n int, login time.Duration) {
	t.Helper()
	body := fmt.Sprintf(`{"identity":%q,"password":%q}`, email, password)
	addr := strings.TrimPrefix(ts.URL, "http://")
	raw := "POST /api/collections/users/auth-with-password HTTP/1.1\r\nHost: " + addr +
		"\r\nContent-Type: application/json\r\nContent-Length: " + strconv.Itoa(len(body)) + "\r\n\r\n" + body
	jobs := make(chan int)
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
			for i := range jobs {
				if i%4 == 0 {
					c, err := net.Dial("tcp", addr)
					if err != nil {
						t.Error(err)
						return
					}
					io.WriteString(c, raw)
					c.Close()
					continue
				}
				ctx, cancel := context.WithTimeout(context.Background(), login/3+login*time.Duration(i%12)/18)
				req, _ := http.NewRequestWithContext(ctx, "POST", ts.URL+"/api/collections/users/auth-with-password", strings.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				if res, err := client.Do(req); err == nil {
					io.Copy(io.Discard, res.Body)
					res.Body.Close()
				}
				cancel()
			}
		})
	}
	for i := range n {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
}

// workerFigures are the hashing-worker metrics the flood test compares.
type workerFigures struct {
	processes, starts, exits, abandoned, resident, peak float64
}

func scrapeWorkers(t *testing.T, ts *testServer) workerFigures {
	t.Helper()
	text := ts.do(t, "GET", "/metrics", nil).want(t, 200).Raw
	f := workerFigures{
		processes: metricValue(t, text, "gatehouse_hashing_worker_processes"),
		starts:    metricValue(t, text, "gatehouse_hashing_worker_starts_total"),
		abandoned: metricValue(t, text, "gatehouse_hashing_abandoned_total"),
		resident:  metricValue(t, text, "gatehouse_hashing_worker_resident_bytes"),
		peak:      metricValue(t, text, "gatehouse_hashing_worker_resident_peak_bytes"),
	}
	for _, r := range []string{"crash", "hung", "protocol"} {
		f.exits += metricValue(t, text, `gatehouse_hashing_worker_exits_total{reason="`+r+`"}`)
	}
	return f
}

func workerMetric(t *testing.T, ts *testServer, series string) float64 {
	t.Helper()
	return metricValue(t, ts.do(t, "GET", "/metrics", nil).want(t, 200).Raw, series)
}

// hashWorkerPids lists this process's children that run as hash workers,
// sorted.
func hashWorkerPids(t *testing.T) []int {
	t.Helper()
	tasks, err := filepath.Glob("/proc/self/task/*/children")
	if err != nil || len(tasks) == 0 {
		t.Fatalf("cannot list child processes: %v", err)
	}
	var pids []int
	for _, task := range tasks {
		b, _ := os.ReadFile(task)
		for _, f := range strings.Fields(string(b)) {
			pid, _ := strconv.Atoi(f)
			cmdline, _ := os.ReadFile(fmt.Sprintf("/proc/%d/cmdline", pid))
			if strings.Contains(string(cmdline), hashWorkerCmd) {
				pids = append(pids, pid)
			}
		}
	}
	slices.Sort(pids)
	return pids
}

// Hashing workers idle for passwords.worker_idle_timeout are stopped (an
// idle server holds none), counted as idle exits, and the next login
// starts one again.
func TestIdleHashWorkersStopAndLoginsGoOn(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{Env: map[string]string{
		"GATEHOUSE_PASSWORDS_WORKER_IDLE_TIMEOUT": "300ms",
		"GATEHOUSE_SECURITY_RATE_LIMITS_ENABLED":  "false",
	}})
	const email, password = "idle@example.com", "idle password 1"
	ts.do(t, "POST", "/api/collections/users/records", map[string]any{
		"email": email, "password": password, "passwordConfirm": password,
	}).want(t, 200)
	ts.loginAs(t, email, password).want(t, 200)
	starts := workerMetric(t, ts, "gatehouse_hashing_worker_starts_total")
	if starts < 1 {
		t.Fatalf("no hashing worker started for a sign-up and a login")
	}
	deadline := time.Now().Add(20 * time.Second)
	for workerMetric(t, ts, "gatehouse_hashing_worker_processes") != 0 {
		if time.Now().After(deadline) {
			t.Fatal("hashing workers still running long after their idle timeout")
		}
		time.Sleep(20 * time.Millisecond)
	}
	text := ts.do(t, "GET", "/metrics", nil).want(t, 200).Raw
	if idle := metricValue(t, text, `gatehouse_hashing_worker_exits_total{reason="idle"}`); idle != starts {
		t.Errorf("idle exits %v, want the %v workers started", idle, starts)
	}
	if crash := metricValue(t, text, `gatehouse_hashing_worker_exits_total{reason="crash"}`); crash != 0 {
		t.Errorf("%v crashes counted for idle stops", crash)
	}
	ts.loginAs(t, email, password).want(t, 200)
	if got := workerMetric(t, ts, "gatehouse_hashing_worker_starts_total"); got != starts+1 {
		t.Errorf("starts after a login on an idle server: %v, want %v", got, starts+1)
	}
}
