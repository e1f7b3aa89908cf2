package server

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

// App is a wired Gatehouse: its configuration, store, hasher, keys and
// core service. Every command that touches data opens one, and so does
// the Local API (the module's root package).
type App struct {
	Cfg config.Config
	Log *slog.Logger
	DB  Database
	// Store is DB, with rate limits in Redis when configured.
	Store      core.Store
	closeRedis func() error
	Hasher     *hashing.Hasher
	// cpuWatch tells the hashing pool when the server is busy with
	// other requests (nil when hashing runs in-process).
	cpuWatch *hashing.CPUWatch
	Keys     *tokens.Keyring
	Service  *core.Service
	Metrics  *metrics.Metrics
	// Conditions tracks the known temporary conditions (conditions.go).
	Conditions *core.Conditions
}

// NewLogger builds the process logger from the log settings.
func NewLogger(cfg config.Config, w io.Writer) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(strings.ToUpper(cfg.Log.Level))) // validated by config
	// logfmt writes what slog's handlers write, faster for access lines.
	return slog.New(logfmt.New(w, cfg.Log.Format == "json", &slog.HandlerOptions{Level: level}))
}

// Options are what Open takes beside the configuration.
type Options struct {
	// MailQueued is called when a flow queues mail (the mail worker's
	// Notify); nil when nothing listens.
	MailQueued func()
	// Deriver runs the password hashes (hashing worker processes, which
	// only `gatehouse serve` starts); nil hashes in-process.
	Deriver hashing.Deriver
	// Clock times the start-up steps; nil times nothing.
	Clock *StartClock
}

// Open opens the data directory and database, applies migrations,
// loads (or creates) the signing keys and builds the service.
func Open(ctx context.Context, cfg config.Config, log *slog.Logger, opts Options) (*App, error) {
	clock, mailQueued, deriver := opts.Clock, opts.MailQueued, opts.Deriver
	m := metrics.New()
	clock.Mark("metrics")
	var db Database
	conds := newConditions(log, m, func(ctx context.Context, write bool) error { return db.Probe(ctx, write) })
	db, err := openObservedDatabase(ctx, cfg, log, conds)
	if err != nil {
		return nil, err
	}
	clock.Mark("open_db")
	a := &App{Cfg: cfg, Log: log, DB: db, Metrics: m, Conditions: conds}
	if err := db.Migrate(ctx); err != nil {
		a.Close()
		return nil, fmt.Errorf("migrate database: %w", err)
	}
	clock.Mark("migrate")
	if a.Store, a.closeRedis, err = withRedis(ctx, cfg, db); err != nil {
		a.Close()
		return nil, err
	}
	var busy func() bool
	if deriver != nil {
		// With worker processes, the server's own CPU use tells whether
		// it is busy with other requests; the last worker then waits
		// (hashing.Config.Busy, docs/decisions.md "Issue 16: hashing").
		a.cpuWatch = hashing.NewCPUWatch(busyPeriod, busyCores)
		busy = a.cpuWatch.Busy
	}
	a.Hasher, err = hashing.New(hashing.Config{
		Memory:      uint32(cfg.Passwords.Argon2MemoryKiB),
		Iterations:  uint32(cfg.Passwords.Argon2Iterations),
		Parallelism: uint8(cfg.Passwords.Argon2Parallelism),
		Workers:     cfg.Passwords.Workers,
		QueueWait:   cfg.Passwords.QueueWait.Std(),
		OnWait:      a.Metrics.ObserveHashingWait,
		Busy:        busy,
		Deriver:     deriver,
	})
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("password hashing: %w", err)
	}
	a.Metrics.WatchHashingQueue(a.Hasher.Waiting)
	a.Metrics.WatchHashingWorkers(a.Hasher.WorkerStats)
	a.Metrics.SetHashingWorkers(a.Hasher.Workers())
	clock.Mark("hasher")
	if a.Keys, err = tokens.LoadOrCreate(ctx, a.Store, time.Now()); err != nil {
		a.Close()
		return nil, fmt.Errorf("signing keys: %w", err)
	}
	clock.Mark("keys")
	list, err := cfg.BuildCollections()
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("collections: %w", err)
	}
	if err := attachProviders(ctx, cfg, list); err != nil {
		a.Close()
		return nil, err
	}
	cols, err := core.NewCollections(list)
	if err != nil {
		a.Close()
		return nil, fmt.Errorf("collections: %w", err)
	}
	a.Service, err = core.New(
		core.Settings{
			AppName: cfg.App.Name, AppURL: cfg.App.URL, Issuer: cfg.Issuer(),
			RefreshReuseGrace: cfg.Security.RefreshReuseGrace.Std(),
			SessionCacheTTL:   cfg.Security.SessionCacheTTL.Std(),
			Lockout:           cfg.CoreLockout(),
			RateLimits:        cfg.CoreRateLimits(),
		},
		core.Deps{
			Store: a.Store, Hasher: a.Hasher, Signer: a.Keys, Collections: cols,
			MailQueued: mailQueued, Logger: log, Metrics: a.Metrics, Conditions: conds,
		},
	)
	if err != nil {
		a.Close()
		return nil, err
	}
	clock.Mark("service")
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

// Close releases everything Open acquired.
func (a *App) Close() {
	if a.Hasher != nil {
		a.Hasher.Close()
	}
	if a.cpuWatch != nil {
		a.cpuWatch.Close()
	}
	if a.closeRedis != nil {
		if err := a.closeRedis(); err != nil {
			a.Log.Error("closing redis", "err", err)
		}
	}
	if a.DB != nil {
		if err := a.DB.Close(); err != nil {
			a.Log.Error("closing database", "err", err)
		}
	}
}
