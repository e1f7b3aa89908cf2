package postgres

import (
	"context"
	"embed"
	"fmt"
	"hash/fnv"
	"io/fs"
	"path"
	"strconv"
	"time"

	"github.com/jackc/pgx/v5/stdlib"
	"github.com/pressly/goose/v3"
	"github.com/pressly/goose/v3/lock"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// MigrationState is one migration and whether the database has it.
type MigrationState struct {
	Version   int64
	Name      string // the migration's file name
	Applied   bool
	AppliedAt time.Time // zero when not applied
}

// provider builds a goose provider over connections of their own, with
// the pool's settings (search_path included) but no statement_timeout and
// lock_timeout migrationLockTimeout (through pgx's database/sql adapter).
// It is built per call and ignores goose's global registry, so no package
// state is involved. The returned close releases the adapter and its
// connections.
//
// Nodes starting together must not migrate at once: a session advisory
// lock, keyed by the current schema, lets one of them migrate while the
// others wait, and keeps Gatehouse installs in other schemas of the same
// database out of each other's way.
func (db *DB) provider(ctx context.Context) (*goose.Provider, func() error, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, nil, err
	}
	cc := db.pool.Config().ConnConfig.Copy()
	cc.RuntimeParams["statement_timeout"] = "0"
	cc.RuntimeParams["lock_timeout"] = strconv.FormatInt(migrationLockTimeout.Milliseconds(), 10)
	sqlDB := stdlib.OpenDB(*cc)
	var schema string
	if err := sqlDB.QueryRowContext(ctx, `SELECT current_schema()`).Scan(&schema); err != nil {
		sqlDB.Close()
		return nil, nil, wrap(ctx, "current schema", err)
	}
	locker, err := lock.NewPostgresSessionLocker(
		lock.WithLockID(lockID(schema)),
		lock.WithLockTimeout(1, 300), // probe every second, for 5 minutes
		lock.WithUnlockTimeout(1, 60),
	)
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	p, err := goose.NewProvider(goose.DialectPostgres, sqlDB, fsys,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSessionLocker(locker),
		goose.WithSlog(db.log),
	)
	if err != nil {
		sqlDB.Close()
		return nil, nil, err
	}
	return p, sqlDB.Close, nil
}

// lockID is the advisory lock key of migrations in schema.
func lockID(schema string) int64 {
	h := fnv.New64a()
	h.Write([]byte("gatehouse migrate\x00" + schema))
	return int64(h.Sum64())
}

// Migrate applies every pending migration, each in its own transaction.
// It is a no-op on an up-to-date database, and safe to run from several
// nodes at once.
func (db *DB) Migrate(ctx context.Context) error {
	p, closeDB, err := db.provider(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrations: %w", err)
	}
	defer closeDB()
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("postgres: migrate: %w", err)
	}
	for _, r := range results {
		db.log.InfoContext(ctx, "applied migration",
			"version", r.Source.Version, "name", path.Base(r.Source.Path), "duration", r.Duration)
	}
	return nil
}

// MigrationStatus lists every known migration in version order, with
// whether it has been applied.
func (db *DB) MigrationStatus(ctx context.Context) ([]MigrationState, error) {
	p, closeDB, err := db.provider(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migrations: %w", err)
	}
	defer closeDB()
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: migration status: %w", err)
	}
	out := make([]MigrationState, 0, len(list))
	for _, s := range list {
		st := MigrationState{
			Version: s.Source.Version,
			Name:    path.Base(s.Source.Path),
			Applied: s.State == goose.StateApplied,
		}
		if st.Applied {
			st.AppliedAt = s.AppliedAt.UTC()
		}
		out = append(out, st)
	}
	return out, nil
}
