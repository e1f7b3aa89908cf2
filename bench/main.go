// Command bench is Gatehouse's load harness. It builds the server, starts
// it on a fresh data directory seeded with users, drives scenarios
// against it with a Go load generator, and reports throughput, latency
// percentiles (measured from the intended send time where the load is
// open-loop, so a stalled server cannot hide its stalls) and the memory
// and CPU of the server and its hashing workers, then judges the targets of issues 8 and 16 and draws the charts.
//
//	go run ./bench -scenario all          # everything, about 9 minutes on 2 cores
//	go run ./bench -scenario bare,read    # a few scenarios
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
	"strings"
	"syscall"
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

// run parses the flags, runs the scenarios against fresh servers and
// writes their reports; it returns the process exit code. Every server
// is stopped before run returns, whatever happened.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseOptions(args, stderr)
	if errors.Is(err, flag.ErrHelp) {
		return exitOK
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return exitUsage
	}
	res, err := runBench(ctx, o, stdout, stderr)
	if ctx.Err() != nil {
		// Whatever failed after a signal failed because of it.
		fmt.Fprintln(stderr, "bench: interrupted; the servers were stopped")
		return exitError
	}
	if err != nil {
		fmt.Fprintln(stderr, "bench:", err)
		return exitError
	}
	if o.strict && !res.Pass {
		return exitTargetFail
	}
	return exitOK
}
