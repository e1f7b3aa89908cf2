package main

import (
	"context"
	"errors"
	"fmt"
	"io"
)

const usage = `Gatehouse: a self-hosted authentication server.

Usage:
  gatehouse serve [--http ADDR] [--dir DATA_DIR | --db POSTGRES_URL] [--config FILE]
  gatehouse superuser upsert EMAIL PASSWORD [--dir DATA_DIR | --db POSTGRES_URL] [--config FILE]
  gatehouse superuser delete EMAIL [--dir DATA_DIR | --db POSTGRES_URL] [--config FILE]
  gatehouse migrate [up|status] [--dir DATA_DIR | --db POSTGRES_URL] [--config FILE]
  gatehouse keys rotate [--alg EdDSA|RS256] [--dir DATA_DIR | --db POSTGRES_URL] [--config FILE]
  gatehouse db copy --from DATA_DIR --to POSTGRES_URL

Configuration: defaults < --config YAML file < GATEHOUSE_* environment < flags.
See docs/configuration.md.
`

// errUsage marks a command line that could not be understood.
var errUsage = errors.New("invalid command line (run 'gatehouse help')")

// run is the whole program: it parses args (args[0] is the program name)
// and runs one command until it finishes or ctx is cancelled.
func run(ctx context.Context, args []string, getenv func(string) string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) < 2 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cmd, rest := args[1], args[2:]
	switch cmd {
	case "serve":
		return runServe(withChildHashing(ctx, getenv), rest, getenv, stdout, stderr)
	case "superuser":
		return runSuperuser(ctx, rest, getenv, stdout, stderr)
	case "migrate":
		return runMigrate(ctx, rest, getenv, stdout, stderr)
	case "keys":
		return runKeys(ctx, rest, getenv, stdout, stderr)
	case "db":
		return runDB(ctx, rest, getenv, stdout, stderr)
	case hashWorkerCmd: // hidden: serve's password hashing workers
		return runHashWorker(rest, stdin, stdout)
	case "help", "-h", "--help":
		fmt.Fprint(stdout, usage)
		return nil
	}
	fmt.Fprintf(stderr, "unknown command %q\n\n%s", cmd, usage)
	return errUsage
}
