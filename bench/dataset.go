package main

import (
	"context"
	"crypto/rand"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"time"
)

// datasetInfo records how one dataset was made.
type datasetInfo struct {
	Label       string  `json:"label"`
	Users       int     `json:"users"`
	BcryptUsers int     `json:"bcrypt_users"`
	SeedSec     float64 `json:"seed_sec"`
	// Sessions and AuditEvents are the history seeded besides the users
	// (seed_history.go), HistorySec how long that took.
	Sessions    int     `json:"sessions"`
	AuditEvents int     `json:"audit_events"`
	HistorySec  float64 `json:"history_seed_sec"`
	// Store is "PostgreSQL" for a dataset copied there (postgres.go),
	// CopySec how long `gatehouse db copy` took; empty for SQLite.
	Store       string  `json:"store,omitempty"`
	CopySec     float64 `json:"copy_sec,omitempty"`
	SampleSec   float64 `json:"sample_login_sec"` // logging the sample in over HTTP
	HashWorkers int     `json:"hash_workers"`
}

// countLabel names a user count: 1000 is "1k", 1000000 "1M".
func countLabel(n int) string {
	switch {
	case n >= 1_000_000 && n%100_000 == 0:
		return strconv.FormatFloat(float64(n)/1e6, 'f', -1, 64) + "M"
	case n >= 1000 && n%100 == 0:
		return strconv.FormatFloat(float64(n)/1e3, 'f', -1, 64) + "k"
	}
	return strconv.Itoa(n)
}

// datasetRun is one dataset's run: its users, what runs on it, and what
// runs beside it.
type datasetRun struct {
	users, bcrypt int
	suffix        string   // report file suffix ("-1M"), empty for the standard dataset
	names         []string // scenarios, in order
	addr          string   // the server's address
	// bareAPI is the bare handler beside the server, for paired rounds
	// of read and refresh; twin the standard dataset's harness, its
	// server still up, for the large dataset's paired rounds (paired.go).
	bareAPI *api
	twin    *harness
	// label names the dataset instead of its user count; dbURL, when
	// set, is the PostgreSQL database the server runs on, the seeded
	// data dir copied there first (postgres.go).
	label, dbURL string
	// then runs after the scenarios, the server still up: the standard
	// dataset runs the large one there, so the two can take turns.
	then func(h *harness) error
}

// runDataset makes a fresh data dir (gatehouse migrate, a superuser,
// then users seeded straight into data.db), starts Gatehouse on it, logs
// the sample in, runs the named scenarios on that one server, then d.then.
func (b *bench) runDataset(ctx context.Context, d datasetRun) error {
	o := b.opts
	if err := b.measureCost(ctx); err != nil {
		return err
	}
	users, bcrypt := d.users, d.bcrypt
	label := countLabel(users)
	if d.label != "" {
		label = d.label
	}
	if _, err := claimAddr(d.addr); err != nil {
		return err
	}
	dir := filepath.Join(b.tmp, "gatehouse-"+label)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	env := b.env
	if b.profiler != nil {
		paddr, err := claimAddr("127.0.0.1:0")
		if err != nil {
			return err
		}
		b.profiler.addr = paddr
		env = append(append([]string{}, env...), pprofEnv+"="+paddr)
	}
	srv := newServer(b.bins.gatehouse, dir, d.addr, env)
	info := datasetInfo{Label: label, Users: users, BcryptUsers: bcrypt}
	if err := srv.command(ctx, "migrate"); err != nil {
		return err
	}
	adminPassword := rand.Text()
	if err := srv.command(ctx, "superuser", "upsert", adminEmail, adminPassword); err != nil {
		return err
	}
	b.progressf("seeding %d users and %d imported bcrypt users into %s", users, bcrypt, srv.dataDir)
	spec := seedSpec{users: users, argonHash: b.cost.argonHash, bcrypt: bcrypt, bcryptHash: b.cost.bcryptHash, now: time.Now()}
	took, err := seedDatabase(ctx, filepath.Join(srv.dataDir, "data.db"), spec)
	if err != nil {
		return err
	}
	info.SeedSec = took.Seconds()
	b.progressf("seeded %s users in %.1f s (%.0f users/s)", label, took.Seconds(), float64(users+bcrypt)/took.Seconds())
	if err := b.seedHistory(ctx, srv, &info, spec); err != nil {
		return err
	}
	if d.dbURL != "" {
		if err := b.copyToPostgres(ctx, srv, d.dbURL, &info); err != nil {
			return err
		}
		srv.env = onPostgres(srv.env, d.dbURL)
	}

	b.progressf("starting gatehouse on %s", d.addr)
	h := &harness{opts: o, proc: &srv.process, numCPU: runtime.NumCPU(), log: b.stderr,
		cost: b.cost, passed: b.passed, prof: b.profiler, fileSuffix: d.suffix, bareAPI: d.bareAPI, twin: d.twin,
		pop: &population{label: label, users: users, bcrypt: bcrypt, adminPassword: adminPassword}}
	return b.serve(ctx, h, func(h *harness) error {
		if h.workers, err = srv.hashWorkers(ctx); err != nil {
			h.workers = b.cost.ConfigWorkers
			h.progressf("%v; assuming the configured %d hashing workers", err, h.workers)
		}
		info.HashWorkers = h.workers
		h.scenario = "setup"
		h.sampler.setPhase("setup/sample")
		start := time.Now()
		h.progressf("logging %d of the %s users in for tokens", o.users, label)
		if h.pop.sample, err = logInSample(ctx, h.api, users, o.users, 2*h.workers); err != nil {
			return fmt.Errorf("logging the sample in: %w\nlast lines of the server log:\n%s", err, srv.logTail(1500))
		}
		info.SampleSec = time.Since(start).Seconds()
		err := b.runScenarios(ctx, h, d.names)
		// The dataset's record ends with its own scenarios, before
		// anything run beside it.
		b.results.Datasets = append(b.results.Datasets, info)
		b.results.Memory = append(b.results.Memory, memSeries{Label: label + " users", Samples: h.sampler.within("")})
		if err != nil || d.then == nil {
			return err
		}
		h.scenario = "idle"
		h.sampler.setPhase("idle")
		return d.then(h)
	})
}
