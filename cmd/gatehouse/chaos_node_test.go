package main

import (
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
// with a quick restart; the database timeouts (the defaults' proportions,
// as in frozendb_test.go) keep a broken link's answers within a test's
// patience: every call fails within db.query_timeout.
const chaosYAML = `
security:
  refresh_reuse_grace: 1m
  rate_limits:
    enabled: false
db:
  query_timeout: 2s
  statement_timeout: 1500ms
  lock_timeout: 1s
  acquire_timeout: 1s
  connect_timeout: 1s
`

// chaosNode is one `gatehouse serve` process (startNode) that a scenario
// can kill with SIGKILL and start again on the same data directory and
// database. Its embedded testServer, replaced at each start, gives the
// usual request helpers; URL changes with each start (a fresh port).
type chaosNode struct {
	*testServer
	opts nodeOpts
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
	n := &chaosNode{opts: nodeOpts{DB: db, Dir: dir, YAML: chaosYAML + yaml, Env: env}}
	n.start(t)
	return n
}

// start starts the process and waits until it listens.
func (n *chaosNode) start(t testing.TB) {
	t.Helper()
	ts := startNode(t, n.opts)
	// Under -race a killed server never gets to exit with the race
	// detector's status, so its report is looked for in its log.
	t.Cleanup(func() {
		if strings.Contains(ts.stderr.String(), "WARNING: DATA RACE") {
			t.Errorf("the race detector reported a data race in the server at %s:\n%s", ts.URL, ts.stderr.String())
		}
	})
	n.testServer = ts
}

// kill sends SIGKILL, as a crash or the OOM killer would, and waits until
// the process is gone. Nothing of the server runs after it returns.
func (n *chaosNode) kill(t testing.TB) {
	t.Helper()
	if n.testServer == nil || n.testServer.kill == nil {
		t.Fatal("kill: the server is not running")
	}
	n.testServer.kill()
	err := <-n.done
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.Sys().(syscall.WaitStatus).Signal() != syscall.SIGKILL {
		t.Fatalf("server ended with %v before the kill\n%s", err, n.stderr.String())
	}
	n.cancel, n.testServer.kill = nil, nil // nothing left to stop
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
	if n.testServer.kill != nil {
		t.Fatal("restart: the server is still running")
	}
	n.start(t)
}
