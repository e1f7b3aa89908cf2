package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// server is one Gatehouse process under test, built from the module's
// source and run on a fresh data directory.
type server struct {
	root    string // module root, where `go build` runs
	bin     string
	dataDir string
	logPath string
	addr    string
	env     []string // the process environment
	passed  []string // GATEHOUSE_* settings taken from the caller, for the report

	cmd    *exec.Cmd
	logf   *os.File
	exited chan struct{} // closed when the process has been reaped
	err    error         // the process's exit status, valid after exited
}

// newServer prepares (but does not start) a server in dir. The bench
// forces the data dir, the address and rate limits off (a flood that
// only meets 429s measures nothing). The caller's environment passes
// through, then extra (-server-env) on top; every setting that changes
// the server's behaviour (GATEHOUSE_*, GOMAXPROCS, GOGC, GOMEMLIMIT,
// GODEBUG) is recorded for the report.
func newServer(root, dir, addr string, parentEnv, extra []string) *server {
	s := &server{
		root:    root,
		bin:     filepath.Join(dir, "gatehouse"),
		dataDir: filepath.Join(dir, "data"),
		logPath: filepath.Join(dir, "server.log"),
		addr:    addr,
	}
	env := map[string]string{}
	var order []string
	for _, kv := range append(append([]string{}, parentEnv...), extra...) {
		name, value, _ := strings.Cut(kv, "=")
		if forcedServerEnv(name) {
			continue
		}
		if _, seen := env[name]; !seen {
			order = append(order, name)
		}
		env[name] = value
	}
	for _, name := range order {
		s.env = append(s.env, name+"="+env[name])
		if recordedEnv(name) && env[name] != "" {
			s.passed = append(s.passed, redactSetting(name, env[name]))
		}
	}
	s.env = append(s.env, "GATEHOUSE_RATE_LIMITS=off")
	return s
}

// forcedServerEnv names the variables the bench sets itself.
func forcedServerEnv(name string) bool {
	return name == "GATEHOUSE_DIR" || name == "GATEHOUSE_HTTP" || name == "GATEHOUSE_RATE_LIMITS"
}

// recordedEnv names the variables that change how the server behaves.
func recordedEnv(name string) bool {
	switch name {
	case "GOMAXPROCS", "GOGC", "GOMEMLIMIT", "GODEBUG":
		return true
	}
	return strings.HasPrefix(name, "GATEHOUSE_")
}

// redactSetting keeps secrets (SMTP credentials, DSNs) out of reports.
func redactSetting(name, value string) string {
	for _, w := range []string{"URL", "DSN", "SECRET", "PASS", "KEY", "TOKEN"} {
		if strings.Contains(name, w) {
			return name + "=(set)"
		}
	}
	return name + "=" + value
}

// hashWorkers asks the running server for the size of its hashing pool
// (the gatehouse_hashing_workers gauge at /metrics), rather than guessing
// the server's default.
func (s *server) hashWorkers(ctx context.Context) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL()+"/metrics", nil)
	if err != nil {
		return 0, err
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return 0, fmt.Errorf("reading /metrics: %w", err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		return 0, fmt.Errorf("reading /metrics: %w", err)
	}
	n, ok := gaugeValue(string(body), "gatehouse_hashing_workers")
	if !ok || n < 1 {
		return 0, fmt.Errorf("the server's /metrics has no gatehouse_hashing_workers gauge (are metrics on?)")
	}
	return int(n), nil
}

// gaugeValue finds an unlabelled metric's value in Prometheus text
// format.
func gaugeValue(text, name string) (float64, bool) {
	for line := range strings.SplitSeq(text, "\n") {
		if v, ok := strings.CutPrefix(line, name+" "); ok {
			f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			return f, err == nil
		}
	}
	return 0, false
}

// build compiles cmd/gatehouse from the module's current source.
func (s *server) build(ctx context.Context) error {
	cmd := exec.CommandContext(ctx, "go", "build", "-o", s.bin, "./cmd/gatehouse")
	cmd.Dir = s.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build ./cmd/gatehouse: %v\n%s", err, out)
	}
	return nil
}

// upsertSuperuser runs `gatehouse superuser upsert` on the data dir
// before the server starts, as an operator would.
func (s *server) upsertSuperuser(ctx context.Context, email, password string) error {
	cmd := exec.CommandContext(ctx, s.bin, "superuser", "upsert", email, password, "--dir", s.dataDir)
	cmd.Env = s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gatehouse superuser upsert: %v\n%s", err, out)
	}
	return nil
}

// start launches `gatehouse serve` with its output in server.log. The
// child is in its own process group (a terminal's Ctrl-C reaches only the
// bench, which then stops the server in order) and, on Linux, dies with
// the bench even if the bench is killed outright.
func (s *server) start() error {
	logf, err := os.Create(s.logPath)
	if err != nil {
		return err
	}
	s.logf = logf
	s.cmd = exec.Command(s.bin, "serve", "--dir", s.dataDir, "--http", s.addr)
	s.cmd.Env = s.env
	s.cmd.Stdout, s.cmd.Stderr = logf, logf
	s.cmd.SysProcAttr = childSysProcAttr()
	if err := s.cmd.Start(); err != nil {
		logf.Close()
		return fmt.Errorf("start server: %w", err)
	}
	s.exited = make(chan struct{})
	go func() {
		s.err = s.cmd.Wait()
		close(s.exited)
	}()
	return nil
}

// pid is the server's process id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// baseURL is where the server answers.
func (s *server) baseURL() string { return "http://" + s.addr }

// waitHealthy polls GET /api/health until it answers 200, the process
// exits, or the timeout passes.
func (s *server) waitHealthy(ctx context.Context, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	hc := &http.Client{Timeout: time.Second}
	for {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.baseURL()+"/api/health", nil)
		if err != nil {
			return err
		}
		if resp, err := hc.Do(req); err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-s.exited:
			return fmt.Errorf("server exited during startup (%v); its log:\n%s", s.err, s.logTail(2000))
		case <-time.After(50 * time.Millisecond):
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("server not healthy after %s; its log:\n%s", timeout, s.logTail(2000))
		}
	}
}

// stop asks the server to shut down (SIGTERM: in-flight requests finish)
// and kills it if it has not exited within the grace period. It is safe
// to call more than once and before start.
func (s *server) stop(grace time.Duration) error {
	if s.cmd == nil || s.exited == nil {
		return nil
	}
	defer s.logf.Close()
	select {
	case <-s.exited:
		return nil
	default:
	}
	_ = s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.exited:
		return nil
	case <-time.After(grace):
	}
	_ = s.cmd.Process.Kill()
	<-s.exited
	return fmt.Errorf("server did not stop within %s after SIGTERM; killed", grace)
}

// logTail returns the last n bytes of the server's log.
func (s *server) logTail(n int) string {
	b, err := os.ReadFile(s.logPath)
	if err != nil {
		return "(no log: " + err.Error() + ")"
	}
	if len(b) > n {
		b = b[len(b)-n:]
		if i := bytes.IndexByte(b, '\n'); i >= 0 {
			b = b[i+1:]
		}
	}
	return string(b)
}

// claimAddr checks that addr is free by listening on it (so a run never
// measures some other process that already answers there), and resolves
// port 0 to a free port. The port is released again for the server; the
// short window in between is why startup failures print the server log.
func claimAddr(addr string) (string, error) {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return "", fmt.Errorf("address %s is already in use (another server or bench run?); choose another with -addr", addr)
		}
		return "", fmt.Errorf("-addr %s: %w", addr, err)
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// moduleRoot finds the Gatehouse module's root directory from the
// current directory, so `go run ./bench` works from anywhere inside it.
func moduleRoot(ctx context.Context) (string, error) {
	out, err := exec.CommandContext(ctx, "go", "env", "GOMOD").Output()
	if err != nil {
		return "", fmt.Errorf("go env GOMOD: %w", err)
	}
	gomod := strings.TrimSpace(string(out))
	if gomod == "" || gomod == os.DevNull {
		return "", errors.New("not inside a Go module: run the bench from the gatehouse checkout")
	}
	root := filepath.Dir(gomod)
	if _, err := os.Stat(filepath.Join(root, "cmd", "gatehouse")); err != nil {
		return "", fmt.Errorf("%s has no cmd/gatehouse: run the bench from the gatehouse checkout", root)
	}
	return root, nil
}
