package main

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// execEnv, set in a child's environment, makes the test binary run the
// gatehouse command instead of the tests: startNode's separate server
// processes are this binary, so they need no separate build.
const execEnv = "GATEHOUSE_TEST_EXEC_MAIN"

func TestMain(m *testing.M) {
	if os.Getenv(execEnv) == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// nodeOpts describe one server process of a multi-node deployment.
type nodeOpts struct {
	DB   string            // PostgreSQL URL all nodes share
	YAML string            // appended to testConfig
	Env  map[string]string // GATEHOUSE_* variables
	Dir  string            // data directory; empty means a fresh one
}

// startNode runs `gatehouse serve` as a separate process, with its own
// data directory, and waits until it listens. SIGTERM stops it at the
// end of the test (or on Stop), and a non-zero exit fails the test.
func startNode(t testing.TB, opts nodeOpts) *testServer {
	t.Helper()
	dir := opts.Dir
	if dir == "" {
		dir = filepath.Join(t.TempDir(), "data")
	}
	cfgPath := filepath.Join(t.TempDir(), "gatehouse.yaml")
	if err := os.WriteFile(cfgPath, []byte(testConfig+opts.YAML), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "serve", "--http", "127.0.0.1:0", "--dir", dir, "--config", cfgPath, "--db", opts.DB)
	cmd.Env = []string{execEnv + "=1", "PATH=" + os.Getenv("PATH"), "HOME=" + t.TempDir()}
	for k, v := range opts.Env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	ts := &testServer{Dir: dir, DB: opts.DB, done: make(chan error, 1), stderr: &syncBuffer{}}
	cmd.Stderr = ts.stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	urlCh := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if u, ok := strings.CutPrefix(sc.Text(), "Gatehouse listening on "); ok {
				urlCh <- u
			}
		}
		close(urlCh)
		ts.done <- cmd.Wait()
	}()
	ts.pid = cmd.Process.Pid
	ts.cancel = func() { _ = cmd.Process.Signal(syscall.SIGTERM) }
	ts.kill = func() { _ = cmd.Process.Kill() }
	select {
	case u, ok := <-urlCh:
		if !ok {
			t.Fatalf("node exited before listening: %v\n%s", <-ts.done, ts.stderr.String())
		}
		ts.URL = u
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("node did not start in time\n%s", ts.stderr.String())
	}
	t.Cleanup(func() { ts.Stop(t); ts.logIfFailed(t) })
	return ts
}

// startNodes starts n nodes on one database at the same time, as a
// deployment's nodes start together (and race to migrate).
func startNodes(t testing.TB, n int, opts nodeOpts) []*testServer {
	t.Helper()
	nodes := make([]*testServer, n)
	var wg sync.WaitGroup
	for i := range nodes {
		wg.Go(func() { nodes[i] = startNodeNoFatal(t, opts) })
	}
	wg.Wait()
	for i, ts := range nodes {
		if ts == nil {
			t.Fatalf("node %d did not start", i)
		}
	}
	return nodes
}

// startNodeNoFatal is startNode for other goroutines, where t.Fatal must
// not be called: it reports the failure and returns nil.
func startNodeNoFatal(t testing.TB, opts nodeOpts) (ts *testServer) {
	done := make(chan struct{})
	go func() {
		defer close(done)
		defer func() {
			if ts == nil {
				t.Error("node failed to start (see above)")
			}
		}()
		ts = startNode(&nonFatal{TB: t}, opts)
	}()
	<-done
	return ts
}

// nonFatal turns Fatal into Error plus runtime.Goexit of the calling
// goroutine, which t.Fatal only allows on the test's own goroutine.
type nonFatal struct{ testing.TB }

func (n *nonFatal) Fatal(args ...any) { n.TB.Error(args...); runtime.Goexit() }
func (n *nonFatal) Fatalf(format string, args ...any) {
	n.TB.Errorf(format, args...)
	runtime.Goexit()
}
