package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// server is one Gatehouse process under test, run on its own data
// directory.
type server struct {
	process
	dataDir string
}

// newServer prepares (but does not start) Gatehouse on dir/data, logging
// to dir/server.log. env is the server's whole environment (serverEnv).
func newServer(bin, dir, addr string, env []string) *server {
	s := &server{dataDir: filepath.Join(dir, "data")}
	s.process = process{
		name: "gatehouse", bin: bin, env: env, addr: addr,
		logPath: filepath.Join(dir, "server.log"),
		args:    []string{"serve", "--dir", s.dataDir, "--http", addr},
	}
	return s
}

// serverEnv builds the server's environment: the caller's passes
// through, then extra (-server-env) on top, then the bench's own
// settings. The bench forces SQLite (it seeds data.db directly), rate
// limits off (a flood that only meets 429s measures nothing) and the
// per-address connection cap off (every connection comes from loopback). passed
// lists every setting that changes the server's behaviour (GATEHOUSE_*,
// GOMAXPROCS, GOGC, GOMEMLIMIT, GODEBUG), secrets redacted, for the
// report.
func serverEnv(parentEnv, extra []string) (env, passed []string) {
	vals := map[string]string{}
	var order []string
	for _, kv := range append(append([]string{}, parentEnv...), extra...) {
		name, value, _ := strings.Cut(kv, "=")
		if forcedServerEnv(name) {
			continue
		}
		if _, seen := vals[name]; !seen {
			order = append(order, name)
		}
		vals[name] = value
	}
	for _, name := range order {
		env = append(env, name+"="+vals[name])
		if recordedEnv(name) && vals[name] != "" {
			passed = append(passed, redactSetting(name, vals[name]))
		}
	}
	return append(env, "GATEHOUSE_RATE_LIMITS=off", "GATEHOUSE_HTTP_MAX_CONNS_PER_IP=0", "GATEHOUSE_DB="), passed
}

// forcedServerEnv names the variables the bench sets itself.
func forcedServerEnv(name string) bool {
	switch name {
	case "GATEHOUSE_DIR", "GATEHOUSE_HTTP", "GATEHOUSE_RATE_LIMITS", "GATEHOUSE_HTTP_MAX_CONNS_PER_IP", "GATEHOUSE_DB", pprofEnv:
		return true
	}
	return false
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

// command runs one gatehouse command (migrate, superuser) on the data
// dir before the server starts, as an operator would.
func (s *server) command(ctx context.Context, args ...string) error {
	cmd := exec.CommandContext(ctx, s.bin, append(args, "--dir", s.dataDir)...)
	cmd.Env = s.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gatehouse %s: %v\n%s", strings.Join(args, " "), err, out)
	}
	return nil
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
