package main

import (
	"context"
	"io"
	"log/slog"
	"os"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/hashing"
)

// hashWorkerCmd is the hidden subcommand serve starts its password
// hashing workers with: the same binary, re-executed.
const hashWorkerCmd = "internal-hash-worker"

// hashWorkerNice is the nice value of the hashing workers, which run in
// Linux's SCHED_IDLE class (hashing.RunChild); the nice value is what
// still lowers them where the kernel refuses that class. Why a worker
// process at all: on a small machine a login flood keeps the hashing
// workers busy all the time, and token checks (every request of every
// app) then share the CPUs with them as equals. At a lower priority the
// kernel serves token checks first and hashing gets the rest, so logins
// slow down under heavy read load instead of reads. In-process this is not
// possible: x/crypto's argon2 runs on goroutines the runtime moves between
// threads. The class and value were chosen by measurement (bench
// loginflood; see docs/decisions.md).
const hashWorkerNice = 10

// hashInProcessEnv set to 1 makes serve hash in-process, as before
// hashing workers existed.
const hashInProcessEnv = "GATEHOUSE_HASH_IN_PROCESS"

type childHashingKey struct{}

// withChildHashing marks ctx so openApp gives the hasher worker processes;
// only serve asks for them (one-shot commands hash once, in-process).
func withChildHashing(ctx context.Context, getenv func(string) string) context.Context {
	if getenv(hashInProcessEnv) == "1" {
		return ctx
	}
	return context.WithValue(ctx, childHashingKey{}, true)
}

// hashDeriver returns the deriver for openApp's hasher: worker processes
// when ctx asks for them, nil (in-process) otherwise. Workers start on
// first use; if the executable cannot be found or started, hashing falls
// back to in-process with a warning. A worker idle for
// passwords.worker_idle_timeout is stopped.
func hashDeriver(ctx context.Context, cfg config.Config, log *slog.Logger) hashing.Deriver {
	if on, _ := ctx.Value(childHashingKey{}).(bool); !on {
		return nil
	}
	path, err := os.Executable()
	if err != nil {
		log.Warn("password hashing workers unavailable; hashing in-process", "err", err)
		return nil
	}
	return hashing.NewChildDeriver(hashing.ChildConfig{
		Path: path,
		Args: []string{hashWorkerCmd},
		// Nothing of the server's environment is passed on. The first
		// variable makes a test binary run main (node_helpers_test.go);
		// the real binary ignores it.
		Env:         []string{"GATEHOUSE_TEST_EXEC_MAIN=1", "GOMAXPROCS=1"},
		Stderr:      os.Stderr,
		Logger:      log,
		IdleTimeout: cfg.Passwords.WorkerIdleTimeout.Std(),
	})
}

// runHashWorker is the hashing worker process: it derives keys for its
// parent over stdin and stdout until stdin closes. It is the same binary
// as its parent, so its priority is the constant, not an argument.
func runHashWorker(args []string, stdin io.Reader, stdout io.Writer) error {
	if len(args) != 0 {
		return errUsage
	}
	return hashing.RunChild(hashWorkerNice, stdin, stdout)
}
