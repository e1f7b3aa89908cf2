package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/logfmt"
	"github.com/gatehouse/gatehouse/internal/metrics"
	"github.com/gatehouse/gatehouse/internal/oauth"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// busyPeriod and busyCores define a busy server for the hashing pool:
// over the last quarter second it used more than half a CPU itself. A
// login costs the server well under a millisecond outside its hash, so
// logins alone never make it busy; token checks at a few thousand a
// second do.
const (
	busyPeriod = 250 * time.Millisecond
	busyCores  = 0.5
)

// app is the wired core: store, hasher, keys and service. Every command
// that touches data opens one.
type app struct {
	cfg config.Config
	log *slog.Logger
	db  database
	// store is db, with rate limits in Redis when configured.
	store      core.Store
	closeRedis func() error
	hasher     *hashing.Hasher
	// cpuWatch tells the hashing pool when the server is busy with
	// other requests (nil when hashing runs in-process).
	cpuWatch *hashing.CPUWatch
	keys     *tokens.Keyring
	service  *core.Service
	metrics  *metrics.Metrics
	// conditions tracks the known temporary conditions (conditions.go).
	conditions *core.Conditions
}

// newLogger builds the process logger from the log settings.
func newLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Log.Level))) // validated by config
	// logfmt writes what slog's handlers write, faster for access lines.
	return slog.New(logfmt.New(w, cfg.Log.Format == "json", &slog.HandlerOptions{Level: level}))
}

// openApp opens the data directory and database, applies migrations,
// loads (or creates) the signing keys and builds the service. mailQueued
// is called when a flow queues mail; it may be nil.
func openApp(ctx context.Context, cfg config.Config, log *slog.Logger, mailQueued func()) (*app, error) {
	clock := startClockOf(ctx)
	m := metrics.New()
	clock.mark("metrics")
	var db database
	conds := newConditions(log, m, func(ctx context.Context, write bool) error { return db.Probe(ctx, write) })
	db, err := openObservedDatabase(ctx, cfg, log, conds)
	if err != nil {
		return nil, err
	}
	clock.mark("open_db")
	a := &app{cfg: cfg, log: log, db: db, metrics: m, conditions: conds}
	if err := db.Migrate(ctx); err != nil {
		a.close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	clock.mark("migrate")
	if a.store, a.closeRedis, err = withRedis(ctx, cfg, db); err != nil {
		a.close()
		return nil, err
	}
	deriver := hashDeriver(ctx, cfg, log)
	var busy func() bool
	if deriver != nil {
		// With worker processes, the server's own CPU use tells whether
		// it is busy with other requests; the last worker then waits
		// (hashing.Config.Busy, docs/decisions.md "Issue 16: hashing").
		a.cpuWatch = hashing.NewCPUWatch(busyPeriod, busyCores)
		busy = a.cpuWatch.Busy
	}
	a.hasher, err = hashing.New(hashing.Config{
		Memory:      uint32(cfg.Passwords.Argon2MemoryKiB),
		Iterations:  uint32(cfg.Passwords.Argon2Iterations),
		Parallelism: uint8(cfg.Passwords.Argon2Parallelism),
		Workers:     cfg.Passwords.Workers,
		QueueWait:   cfg.Passwords.QueueWait.Std(),
		OnWait:      a.metrics.ObserveHashingWait,
		Busy:        busy,
		Deriver:     deriver,
	})
	if err != nil {
		a.close()
		return nil, fmt.Errorf("password hashing: %w", err)
	}
	a.metrics.WatchHashingQueue(a.hasher.Waiting)
	a.metrics.WatchHashingWorkers(a.hasher.WorkerStats)
	a.metrics.SetHashingWorkers(a.hasher.Workers())
	clock.mark("hasher")
	if a.keys, err = tokens.LoadOrCreate(ctx, a.store, time.Now()); err != nil {
		a.close()
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	clock.mark("keys")
	list, err := cfg.BuildCollections()
	if err != nil {
		a.close()
		return nil, fmt.Errorf("collections: %w", err)
	}
	if err := attachProviders(ctx, cfg, list); err != nil {
		a.close()
		return nil, err
	}
	cols, err := core.NewCollections(list)
	if err != nil {
		a.close()
		return nil, fmt.Errorf("collections: %w", err)
	}
	a.service, err = core.New(
		core.Settings{
			AppName: cfg.App.Name, AppURL: cfg.App.URL, Issuer: cfg.Issuer(),
			RefreshReuseGrace: cfg.Security.RefreshReuseGrace.Std(),
			SessionCacheTTL:   cfg.Security.SessionCacheTTL.Std(),
			Lockout:           cfg.CoreLockout(),
			RateLimits:        cfg.CoreRateLimits(),
		},
		core.Deps{
			Store: a.store, Hasher: a.hasher, Signer: a.keys, Collections: cols,
			MailQueued: mailQueued, Logger: log, Metrics: a.metrics, Conditions: conds,
		},
	)
	if err != nil {
		a.close()
		return nil, err
	}
	clock.mark("service")
	return a, nil
}

// attachProviders builds each collection's OAuth2 providers from the
// configuration. OpenID Connect providers fetch their discovery document
// here, so a wrong issuer stops startup with a clear error.
func attachProviders(ctx context.Context, cfg config.Config, list []*core.Collection) error {
	for _, c := range list {
		for _, pc := range cfg.OAuthProviders(c.Name) {
			pkce := pc.PKCE
			p, err := oauth.New(ctx, pc.Kind, oauth.Config{
				Name: pc.Name, DisplayName: pc.DisplayName, ClientID: pc.ClientID,
				ClientSecret: pc.ClientSecret.Reveal(), Scopes: pc.Scopes, Issuer: pc.Issuer,
				AuthURL: pc.AuthURL, TokenURL: pc.TokenURL, UserURL: pc.UserURL, PKCE: &pkce,
			})
			if err != nil {
				return fmt.Errorf("collections.%s.oauth2 provider %q: %w", c.Name, pc.Name, err)
			}
			c.OAuth2.Providers = append(c.OAuth2.Providers, p)
		}
	}
	return nil
}

// ensureDir creates the data directory, readable only by its owner: it
// holds the database with the signing keys.
func ensureDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("data directory: %w", err)
	}
	return nil
}

// close releases everything openApp acquired.
func (a *app) close() {
	if a.hasher != nil {
		a.hasher.Close()
	}
	if a.cpuWatch != nil {
		a.cpuWatch.Close()
	}
	if a.closeRedis != nil {
		if err := a.closeRedis(); err != nil {
			a.log.Error("closing redis", "err", err)
		}
	}
	if a.db != nil {
		if err := a.db.Close(); err != nil {
			a.log.Error("closing database", "err", err)
		}
	}
}
