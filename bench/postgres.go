package main

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// The postgres scenario runs the standard dataset's read, refresh,
// directus-refresh, login and signup again on a Gatehouse whose store is
// the local PostgreSQL, beside the SQLite server (still up) for paired
// rounds, then measures two Gatehouse nodes on that one database.
//
// Each run makes a database of its own (gatehouse_bench_<pid>) through
// -postgres, the maintenance database's URL, and drops it at the end. The
// dataset is the standard one (users and their history), seeded into a
// SQLite file exactly as for SQLite and moved with `gatehouse db copy`,
// the command an operator moving to PostgreSQL runs, so both stores hold
// the same rows.

// postgresScenario names the PostgreSQL runs.
const postgresScenario = "postgres"

// postgresRuns are the scenarios the PostgreSQL server repeats.
var postgresRuns = []string{"read", "refresh", "directus-refresh", "login", "signup"}

// pgSuffix marks the PostgreSQL dataset's label and report files.
const pgSuffix = "-pg"

// isPostgresDataset reports whether a dataset label is a PostgreSQL one.
func isPostgresDataset(label string) bool { return strings.HasSuffix(label, pgSuffix) }

// twoNodesScenario is the report of two nodes on one database.
const twoNodesScenario = "two-nodes"

// defaultPostgresURL is -postgres's default: the local server's
// maintenance database, trust authentication.
const defaultPostgresURL = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// benchDatabaseURL names a database of the bench's own on the server of
// admin (the maintenance database's URL).
func benchDatabaseURL(admin string, pid int) (name, dbURL string, err error) {
	u, err := url.Parse(admin)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", "", fmt.Errorf("-postgres: want a postgres:// URL, got %q", admin)
	}
	name = fmt.Sprintf("gatehouse_bench_%d", pid)
	u.Path = "/" + name
	return name, u.String(), nil
}

// withDatabase creates a fresh database for the run, calls fn with its
// URL, and drops it whatever happens (closing what is still connected).
func (b *bench) withDatabase(ctx context.Context, fn func(dbURL string) error) (err error) {
	name, dbURL, err := benchDatabaseURL(b.opts.postgres, os.Getpid())
	if err != nil {
		return err
	}
	admin, err := pgx.Connect(ctx, b.opts.postgres)
	if err != nil {
		// No PostgreSQL here: the rest of the run still counts, and the
		// summary says what was skipped and why.
		msg := fmt.Sprintf("cannot connect to PostgreSQL at %s (-postgres): %v", redactURL(b.opts.postgres), err)
		b.progressf("postgres: skipped: %s", msg)
		b.results.add(&report{Scenario: postgresScenario, Skipped: msg})
		return nil
	}
	defer admin.Close(context.WithoutCancel(ctx))
	ident := pgx.Identifier{name}.Sanitize()
	if _, err := admin.Exec(ctx, "DROP DATABASE IF EXISTS "+ident+" WITH (FORCE)"); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+ident); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	b.progressf("created PostgreSQL database %s", name)
	defer func() {
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		if _, dropErr := admin.Exec(dctx, "DROP DATABASE "+ident+" WITH (FORCE)"); dropErr != nil {
			err = errors.Join(err, fmt.Errorf("postgres: dropping %s: %w", name, dropErr))
			return
		}
		b.progressf("dropped PostgreSQL database %s", name)
	}()
	return fn(dbURL)
}

// redactURL drops a URL's password for messages.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(unparsable URL)"
	}
	return u.Redacted()
}

// runPostgres runs the PostgreSQL dataset beside the standard dataset's
// server std, then two nodes on its database.
func (b *bench) runPostgres(ctx context.Context, std *harness) error {
	return b.withDatabase(ctx, func(dbURL string) error {
		addr, err := claimAddr("127.0.0.1:0")
		if err != nil {
			return err
		}
		var names []string
		for _, n := range postgresRuns {
			if slices.Contains(b.opts.scenarios, n) {
				names = append(names, n)
			}
		}
		return b.runDataset(ctx, datasetRun{users: b.opts.seedUsers, label: countLabel(b.opts.seedUsers) + pgSuffix,
			suffix: pgSuffix, names: names, addr: addr, twin: std, dbURL: dbURL,
			then: func(h *harness) error { return b.runTwoNodes(ctx, h, dbURL) }})
	})
}

// copyToPostgres moves the seeded SQLite data dir to the database with
// `gatehouse db copy` and records how long it took.
func (b *bench) copyToPostgres(ctx context.Context, srv *server, dbURL string, info *datasetInfo) error {
	start := time.Now()
	cmd := exec.CommandContext(ctx, srv.bin, "db", "copy", "--from", srv.dataDir, "--to", dbURL)
	cmd.Env = srv.env
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("gatehouse db copy: %v\n%s", err, out)
	}
	info.Store, info.CopySec = "PostgreSQL", time.Since(start).Seconds()
	b.progressf("copied the %s dataset to PostgreSQL in %.1f s", info.Label, info.CopySec)
	return nil
}

// onPostgres is env with the server's store set to dbURL (the bench's
// own empty GATEHOUSE_DB comes earlier, and the last value wins).
func onPostgres(env []string, dbURL string) []string {
	return append(slices.Clone(env), "GATEHOUSE_DB="+dbURL)
}

// runTwoNodes starts a second node on h's PostgreSQL database and
// measures reads spread over both nodes (every other request to each,
// the same connections) against reads on h's node alone, in paired
// rounds. Tokens work on either node: the signing keys and the sessions
// are in the shared database.
func (b *bench) runTwoNodes(ctx context.Context, h *harness, dbURL string) error {
	if !slices.Contains(b.opts.scenarios, "read") {
		return nil
	}
	addr, err := claimAddr("127.0.0.1:0")
	if err != nil {
		return err
	}
	dir := filepath.Join(b.tmp, "gatehouse"+pgSuffix+"-node2")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	node2 := newServer(b.bins.gatehouse, dir, addr, onPostgres(b.env, dbURL))
	b.progressf("starting a second gatehouse on %s, on the same PostgreSQL database", addr)
	if err := node2.start(); err != nil {
		return err
	}
	defer func() { _ = node2.stop(stopGrace) }()
	if err := node2.waitHealthy(ctx, healthTimeout); err != nil {
		return err
	}
	h.scenario = twoNodesScenario
	rep := &report{Scenario: twoNodesScenario}
	conns := h.opts.concurrency
	a1, a2 := h.newAPIFor(conns), newAPI(node2.baseURL(), conns)
	defer a1.close()
	defer a2.close()
	var next atomic.Uint64
	one, other := readOwn(a1, h.pop.sample), readOwn(a2, h.pop.sample)
	both := single(func(ctx context.Context) (int, error) {
		if next.Add(1)%2 == 0 {
			return other(ctx)
		}
		return one(ctx)
	})
	if err := h.maxThenPaced(ctx, rep, "reads on two nodes", both, true); err != nil {
		return err
	}
	ref := single(one)
	p, err := h.alternate(ctx, "one node", closedTurn("reads on two nodes", conns, both), closedTurn("reads on one node", conns, ref), true)
	if err != nil {
		return err
	}
	rep.Paired = &p
	rep.Notes = append(rep.Notes, fmt.Sprintf("two nodes and PostgreSQL on %d CPUs, with the load generator: CPU and memory figures are the first node's only", h.numCPU))
	peak, _ := treeStatusKB(h.proc.pid(), "VmHWM")
	rep.finish(b.machine, h, peak)
	if err := writeReport(rep, b.out, b.stdout, b.stderr); err != nil {
		return err
	}
	b.results.add(rep)
	return nil
}
