package main

import (
	"bufio"
	"errors"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The fault-injection suite (chaos_*_test.go) kills server processes,
// cuts their database link and fills their disk, then checks what was
// acknowledged is still true. It runs with `make chaos` (which `.ci/run`
// runs after `make test`), not in `make test`: see docs/decisions.md,
// "Fault injection".

// chaosEnv set to 1 runs the fault-injection suite.
const chaosEnv = "GATEHOUSE_TEST_CHAOS"

// chaosOnly skips the test unless the fault-injection suite was asked for.
func chaosOnly(t *testing.T) {
	t.Helper()
	if os.Getenv(chaosEnv) != "1" {
		t.Skip("fault-injection scenario: run `make chaos` (" + chaosEnv + "=1)")
	}
}

// chaosYAML is appended to testConfig for every scenario. Rate limits are
// off (the load comes from one IP and is not what is tested); the reuse
// grace outlasts a restart, so a client that retries its last refresh
// token after a crash is an honest retry, as it would be in production
// with a quick restart; the database timeouts keep a dead link's answers
// within a test's patience.
const chaosYAML = `
security:
  refresh_reuse_grace: 1m
  rate_limits:
    enabled: false
db:
  connect_timeout: 1s
  acquire_timeout: 1s
  statement_timeout: 2s
`

// chaosNode is one `gatehouse serve` process that a scenario can kill
// with SIGKILL and start again on the same data directory and database.
// Its embedded testServer gives the usual request helpers; URL changes
// with each start (a fresh port).
type chaosNode struct {
	*testServer
	cfgPath string
	env     []string
	cmd     *exec.Cmd
	exited  chan error // the running process's exit, once
}

// startChaosNode starts a server process on a fresh data directory (dir
// when given, for a directory the test prepared) and the database db
// ("" for SQLite in the data directory). env adds GATEHOUSE_* variables.
// The process is stopped with SIGTERM when the test ends, and an unclean
// exit then fails the test: a kill is only expected where the scenario
// sends it.
func startChaosNode(t testing.TB, dir, db, yaml string, env map[string]string) *chaosNode {
	t.Helper()
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "data")
	}
	cfgPath := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(cfgPath, []byte(testConfig+chaosYAML+yaml), 0o600); err != nil {
		t.Fatal(err)
	}
	n := &chaosNode{
		testServer: &testServer{Dir: dir, DB: db, stderr: &syncBuffer{}},
		cfgPath:    cfgPath,
		env:        []string{execEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()},
	}
	for k, v := range env {
		n.env = append(n.env, k+"="+v)
	}
	n.start(t)
	t.Cleanup(func() {
		n.stop(t)
		// Under -race a killed server never gets to exit with the race
		// detector's status, so its report is looked for in its log.
		if strings.Contains(n.stderr.String(), "WARNING: DATA RACE") {
			t.Error("the race detector reported a data race in a server process (see its log)")
		}
		n.logIfFailed(t)
	})
	return n
}

// start launches the process and waits until it listens.
func (n *chaosNode) start(t testing.TB) {
	t.Helper()
	args := []string{"serve", "--http", "127.0.0.1:0", "--dir", n.Dir, "--config", n.cfgPath}
	if n.DB != "" {
		args = append(args, "--db", n.DB)
	}
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = n.env
	cmd.Stderr = n.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Gatehouse listening on "); ok {
				urlCh <- u
			}
		}
		close(urlCh)
		exited <- cmd.Wait()
	}()
	n.cmd, n.exited = cmd, exited
	select {
	case u, ok := <-urlCh:
		if !ok {
			t.Fatalf("server exited before listening: %v\n%s", <-exited, n.stderr.String())
		}
		n.URL = u
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("server did not start within 60s\n%s", n.stderr.String())
	}
}

// kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone. Nothing of the server runs after it returns.
func (n *chaosNode) kill(t testing.TB) {
	t.Helper()
	if n.cmd == nil {
		t.Fatal("kill: the server is not running")
	}
	_ = n.cmd.Process.Kill()
	err := <-n.exited
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("server ended with %v before the kill\n%s", err, n.stderr.String())
	}
	n.cmd = nil
	n.stderr.Write([]byte("---- killed with SIGKILL ----\n"))
}

// killSoon kills the server at a random moment within the next 200 ms:
// called once a load reached its milestone, it makes successive runs
// land the kill at different points of the requests in flight (before,
// inside or after their transaction).
func (n *chaosNode) killSoon(t testing.TB) {
	t.Helper()
	time.Sleep(rand.N(200 * time.Millisecond))
	n.kill(t)
}

// restart starts the server again on the same data directory and
// database, as a supervisor would after a crash.
func (n *chaosNode) restart(t testing.TB) {
	t.Helper()
	if n.cmd != nil {
		t.Fatal("restart: the server is still running")
	}
	n.stderr.Write([]byte("---- restarted ----\n"))
	n.start(t)
}

// stop ends a running server with SIGTERM and fails the test unless it
// exits cleanly within 30 s.
func (n *chaosNode) stop(t testing.TB) {
	t.Helper()
	if n.cmd == nil {
		return
	}
	_ = n.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case err := <-n.exited:
		if err != nil {
			t.Errorf("server exited with %v after SIGTERM", err)
		}
	case <-time.After(30 * time.Second):
		_ = n.cmd.Process.Kill()
		<-n.exited
		t.Errorf("server did not stop within 30s of SIGTERM")
	}
	n.cmd = nil
}
