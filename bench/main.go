// Command bench is Gatehouse's load harness. It builds the server, starts
// it on a fresh data directory, drives one scenario against it with a Go
// load generator, and reports throughput, latency percentiles (measured
// from the intended send time where the load is open-loop, so a stalled
// server cannot hide its stalls) and the server's memory and CPU.
//
//	go run ./bench -scenario loginflood
//
// bench/README.md explains each scenario, what it measures and how to
// read the results. The harness never runs under `go test`: only its
// arithmetic has unit tests.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"
)

func main() {
	// A closed stdout (`go run ./bench | head`) must not kill the bench
	// before it has stopped the server and removed its files.
	signal.Ignore(syscall.SIGPIPE)
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Exit codes: 0 the run completed (targets may still have failed unless
// -strict), 1 the run could not complete, 2 bad command line, 3 a target
// failed under -strict.
const (
	exitOK         = 0
	exitError      = 1
	exitUsage      = 2
	exitTargetFail = 3
)

// options are the command-line settings shared by every scenario.
type options struct {
	scenario     string
	duration     time.Duration
	warmup       time.Duration
	concurrency  int
	users        int
	addr         string
	keep         bool
	outDir       string
	floodFactor  float64
	floodLogins  string
	readRate     float64
	loginSamples int
	floodConns   int
	serverEnv    envList
	strict       bool
}

// scenario is one benchmark the harness can run.
type scenario struct {
	name  string
	about string
	run   func(ctx context.Context, h *harness) (*report, error)
}

// scenarios lists every scenario by name. Issue 8's harness adds its
// scenarios here.
func scenarios() map[string]scenario {
	return map[string]scenario{
		"loginflood": {
			name:  "loginflood",
			about: "authenticated reads alone, then beside a password-login flood at a multiple of the hashing ceiling",
			run:   runLoginFlood,
		},
	}
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.scenario, "scenario", "loginflood", "scenario to run ("+strings.Join(scenarioNames(), ", ")+")")
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured phase")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured read load before the first phase")
	fs.IntVar(&o.concurrency, "concurrency", 16, "read connections: closed-loop workers, and the most paced reads outstanding at once")
	fs.IntVar(&o.users, "users", 50, "users to sign up and log in before the phases")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8190", "address for the server under test (port 0 picks a free one); the run fails if it is taken")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binary, data dir, server log)")
	fs.StringVar(&o.outDir, "out", "", "directory for <scenario>.json and <scenario>.md (default bench/out in the module)")
	fs.Float64Var(&o.floodFactor, "flood-factor", 4, "login flood rate as a multiple of the measured hashing ceiling")
	fs.StringVar(&o.floodLogins, "flood-logins", "valid", "flood credentials: valid (seeded users, right password), wrong (seeded users, wrong password), unknown (no such user)")
	fs.Float64Var(&o.readRate, "read-rate", 0, "open-loop read rate in req/s for the paced phases (0: half the unloaded closed-loop throughput, the target's floor)")
	fs.IntVar(&o.loginSamples, "login-samples", 20, "sequential logins timed to find the single-login time (median)")
	fs.IntVar(&o.floodConns, "flood-conns", 1024, "most flood logins outstanding at once (beyond it, due logins queue in the client and keep their scheduled time)")
	fs.Var(&o.serverEnv, "server-env", "NAME=VALUE for the server process only, e.g. GOMAXPROCS=4 or GATEHOUSE_HASH_WORKERS=1 (repeatable)")
	fs.BoolVar(&o.strict, "strict", false, "exit with status 3 when a target fails")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [flags]\n\nscenarios:\n")
		for _, n := range scenarioNames() {
			fmt.Fprintf(stderr, "  %-12s %s\n", n, scenarios()[n].about)
		}
		fmt.Fprintf(stderr, "\nflags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, err
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	switch {
	case o.duration <= 0:
		return o, errors.New("-duration must be positive")
	case o.warmup < 0:
		return o, errors.New("-warmup must not be negative")
	case o.concurrency < 1:
		return o, errors.New("-concurrency must be at least 1")
	case o.users < 1:
		return o, errors.New("-users must be at least 1")
	case o.floodFactor <= 0:
		return o, errors.New("-flood-factor must be positive")
	case o.readRate < 0:
		return o, errors.New("-read-rate must not be negative")
	case o.loginSamples < 1:
		return o, errors.New("-login-samples must be at least 1")
	case o.floodConns < 1:
		return o, errors.New("-flood-conns must be at least 1")
	}
	for _, kv := range o.serverEnv {
		name, _, _ := strings.Cut(kv, "=")
		if forcedServerEnv(name) {
			return o, fmt.Errorf("-server-env %s: the bench sets it (use -addr for the address)", name)
		}
	}
	if _, ok := scenarios()[o.scenario]; !ok {
		return o, fmt.Errorf("unknown scenario %q (have %s)", o.scenario, strings.Join(scenarioNames(), ", "))
	}
	if !validFloodLogins(o.floodLogins) {
		return o, fmt.Errorf("-flood-logins: want valid, wrong or unknown, got %q", o.floodLogins)
	}
	return o, nil
}

// envList is a repeatable NAME=VALUE flag.
type envList []string

func (e *envList) String() string { return strings.Join(*e, " ") }

func (e *envList) Set(v string) error {
	name, _, ok := strings.Cut(v, "=")
	if !ok || name == "" {
		return fmt.Errorf("want NAME=VALUE, got %q", v)
	}
	*e = append(*e, v)
	return nil
}

func scenarioNames() []string {
	var names []string
	for n := range scenarios() {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// run parses the flags, runs one scenario against a fresh server and
// writes its report; it returns the process exit code. The server is
// stopped before run returns, whatever happened.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return exitUsage
	}
	rep, err := runScenario(ctx, o, stdout, stderr)
	if ctx.Err() != nil {
		// Whatever failed after a signal failed because of it.
		fmt.Fprintln(stderr, "bench: interrupted; the server was stopped")
		return exitError
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return exitError
	}
	if o.strict && !rep.Pass {
		return exitTargetFail
	}
	return exitOK
}
