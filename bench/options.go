package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"time"
)

// options are the command-line settings shared by every scenario.
type options struct {
	scenario     string   // as given
	scenarios    []string // resolved, in run order
	duration     time.Duration
	warmup       time.Duration
	concurrency  int
	users        int
	seedUsers    int
	bigUsers     int
	bcryptUsers  int
	pacedShare   float64
	hashSamples  int
	addr         string
	keep         bool
	outDir       string
	chartsDir    string
	record       bool
	pprof        bool
	floodFactor  float64
	floodLogins  string
	readRate     float64
	loginSamples int
	floodConns   int
	serverEnv    envList
	postgres     string
	strict       bool
}

func parseOptions(args []string, stderr io.Writer) (options, error) {
	var o options
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.scenario, "scenario", "loginflood", "scenarios to run: all, or a comma-separated list of "+strings.Join(scenarioNames(), ", "))
	fs.DurationVar(&o.duration, "duration", 10*time.Second, "length of each measured phase")
	fs.DurationVar(&o.warmup, "warmup", 2*time.Second, "unmeasured load before a scenario's first phase")
	fs.IntVar(&o.concurrency, "concurrency", 16, "connections: closed-loop workers, and the most paced requests outstanding at once")
	fs.IntVar(&o.users, "users", 200, "seeded users logged in before the scenarios, whose tokens the read and refresh loads cycle through")
	fs.IntVar(&o.seedUsers, "seed-users", 1000, "users seeded into the standard dataset")
	fs.IntVar(&o.bigUsers, "big-users", 1_000_000, "users seeded into the large dataset of the scale scenario")
	fs.IntVar(&o.bcryptUsers, "bcrypt-users", 0, "imported bcrypt-10 users seeded besides -seed-users (0: enough that every measured login-bcrypt login is a first login)")
	fs.Float64Var(&o.pacedShare, "paced-share", 0.5, "open-loop rate of each scenario's latency phase, as a share of its closed-loop throughput")
	fs.IntVar(&o.hashSamples, "hash-samples", 20, "single password verifies timed in the bench's process at the start (median), for the summary's hashing line and login-bcrypt's sizing")
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8190", "address for the server under test (port 0 picks a free one); the run fails if it is taken")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (binaries, data dirs, server logs)")
	fs.StringVar(&o.outDir, "out", "", "directory for the per-scenario and summary .json and .md (default bench/out in the module)")
	fs.StringVar(&o.chartsDir, "charts", "", "directory for the PNG charts (default bench/charts for -scenario all, else <out>/charts)")
	fs.BoolVar(&o.record, "record", false, "insert the summary section at the top of bench/RESULTS.md's history")
	fs.BoolVar(&o.pprof, "pprof", false, "build the server with net/http/pprof on a side port (bench/pprofhook) and write a CPU profile of each closed-loop phase to <out>/profiles")
	fs.Float64Var(&o.floodFactor, "flood-factor", 4, "login flood rate as a multiple of the measured hashing ceiling")
	fs.StringVar(&o.floodLogins, "flood-logins", "valid", "flood credentials: valid (seeded users, right password), wrong (seeded users, wrong password), unknown (no such user)")
	fs.Float64Var(&o.readRate, "read-rate", 0, "loginflood: open-loop read rate in req/s for the paced phases (0: the target's floor, 80% of the unloaded closed-loop throughput)")
	fs.IntVar(&o.loginSamples, "login-samples", 20, "loginflood: sequential logins timed to find the single-login time (median)")
	fs.IntVar(&o.floodConns, "flood-conns", 1024, "loginflood: most flood logins outstanding at once (beyond it, due logins queue in the client and keep their scheduled time)")
	fs.Var(&o.serverEnv, "server-env", "NAME=VALUE for the server process only, e.g. GOMAXPROCS=4 or GATEHOUSE_HASH_WORKERS=1 (repeatable)")
	fs.StringVar(&o.postgres, "postgres", defaultPostgresURL, "postgres scenario: URL of the PostgreSQL maintenance database; the run creates gatehouse_bench_<pid> beside it and drops it at the end")
	fs.BoolVar(&o.strict, "strict", false, "exit with status 3 when a target fails")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: go run ./bench [flags]\n\nscenarios (-scenario all runs every one):\n")
		for _, n := range scenarioOrder {
			fmt.Fprintf(stderr, "  %-17s %s\n", n, scenarios()[n].about)
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
	if err := o.check(); err != nil {
		return o, err
	}
	var err error
	o.scenarios, err = resolveScenarios(o.scenario)
	return o, err
}

// check refuses settings no run can use.
func (o options) check() error {
	switch {
	case o.duration <= 0:
		return errors.New("-duration must be positive")
	case o.warmup < 0:
		return errors.New("-warmup must not be negative")
	case o.concurrency < 1:
		return errors.New("-concurrency must be at least 1")
	case o.users < o.concurrency:
		return errors.New("-users must be at least -concurrency: each connection holds its own user's tokens")
	case o.seedUsers < o.users:
		return errors.New("-seed-users must be at least -users")
	case o.bigUsers != 0 && o.bigUsers < o.users:
		return errors.New("-big-users must be at least -users")
	case o.bcryptUsers < 0:
		return errors.New("-bcrypt-users must not be negative")
	case o.pacedShare <= 0 || o.pacedShare > 1:
		return errors.New("-paced-share must be above 0 and at most 1")
	case o.hashSamples < 1:
		return errors.New("-hash-samples must be at least 1")
	case o.floodFactor <= 0:
		return errors.New("-flood-factor must be positive")
	case o.readRate < 0:
		return errors.New("-read-rate must not be negative")
	case o.loginSamples < 1:
		return errors.New("-login-samples must be at least 1")
	case o.floodConns < 1:
		return errors.New("-flood-conns must be at least 1")
	case !validFloodLogins(o.floodLogins):
		return fmt.Errorf("-flood-logins: want valid, wrong or unknown, got %q", o.floodLogins)
	}
	for _, kv := range o.serverEnv {
		name, _, _ := strings.Cut(kv, "=")
		if forcedServerEnv(name) {
			return fmt.Errorf("-server-env %s: the bench sets it (use -addr for the address)", name)
		}
	}
	return nil
}
