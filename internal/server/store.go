package server

import (
	"context"
	"fmt"
	"log/slog"
	"path/filepath"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/postgres"
	"github.com/gatehouse/gatehouse/internal/redislimit"
	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// Database is what the commands need from either store.
type Database interface {
	core.Store
	Migrate(ctx context.Context) error
	// Probe is the readiness check's store check (see core.Conditions).
	Probe(ctx context.Context, write bool) error
	Close() error
}

// OpenDatabase opens the configured store: PostgreSQL when db.url is set,
// else SQLite in the data directory.
func OpenDatabase(ctx context.Context, cfg config.Config, log *slog.Logger) (Database, error) {
	return openObservedDatabase(ctx, cfg, log, nil)
}

// openObservedDatabase is OpenDatabase with every call's outcome told to
// obs (nil: to no one).
func openObservedDatabase(ctx context.Context, cfg config.Config, log *slog.Logger, obs core.StoreObserver) (Database, error) {
	if cfg.UsesPostgres() {
		db, err := postgres.Open(ctx, cfg.DB.URL.Reveal(), postgres.Options{
			MaxConns:         int32(cfg.DB.MaxConns),
			ConnectTimeout:   cfg.DB.ConnectTimeout.Std(),
			AcquireTimeout:   cfg.DB.AcquireTimeout.Std(),
			QueryTimeout:     cfg.DB.QueryTimeout.Std(),
			StatementTimeout: cfg.DB.StatementTimeout.Std(),
			LockTimeout:      cfg.DB.LockTimeout.Std(),
			Observer:         obs,
			Logger:           log,
		})
		if err != nil {
			return nil, fmt.Errorf("open database %s: %w", cfg.DB.URL, err)
		}
		return PGDatabase{db}, nil
	}
	if err := ensureDir(cfg.DataDir); err != nil {
		return nil, err
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "data.db"), sqlite.Options{
		QueryTimeout: cfg.DB.QueryTimeout.Std(),
		BusyTimeout:  cfg.DB.LockTimeout.Std(),
		Observer:     obs,
		Logger:       log,
	})
	if err != nil {
		return nil, fmt.Errorf("open database: %w", err)
	}
	return db, nil
}

// PGDatabase adapts the PostgreSQL store's Close, which cannot fail.
type PGDatabase struct{ *postgres.DB }

// Close closes the connection pool.
func (d PGDatabase) Close() error {
	d.DB.Close()
	return nil
}

// MigrationLines describes the store's migrations, one line each.
func MigrationLines(ctx context.Context, db Database) ([]string, error) {
	var lines []string
	add := func(version int64, name string, applied bool) {
		state := "pending"
		if applied {
			state = "applied"
		}
		lines = append(lines, fmt.Sprintf("%05d %-30s %s", version, name, state))
	}
	switch db := db.(type) {
	case *sqlite.DB:
		states, err := db.MigrationStatus(ctx)
		for _, s := range states {
			add(s.Version, s.Name, s.Applied)
		}
		return lines, err
	case PGDatabase:
		states, err := db.MigrationStatus(ctx)
		for _, s := range states {
			add(s.Version, s.Name, s.Applied)
		}
		return lines, err
	}
	return nil, fmt.Errorf("unknown store %T", db)
}

// withRedis moves rate-limit counters to Redis when redis.url is set.
func withRedis(ctx context.Context, cfg config.Config, store core.Store) (core.Store, func() error, error) {
	if !cfg.UsesRedis() {
		return store, func() error { return nil }, nil
	}
	c, err := redislimit.Open(ctx, cfg.Redis.URL.Reveal())
	if err != nil {
		return nil, nil, fmt.Errorf("redis %s: %w", cfg.Redis.URL, err)
	}
	return redislimit.Wrap(store, c, cfg.Redis.KeyPrefix), c.Close, nil
}
