package sqlite

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"time"

	"github.com/pressly/goose/v3"
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

// provider builds a goose provider on the writer. It is built per call
// and ignores goose's global registry, so no package state is involved.
func (db *DB) provider() (*goose.Provider, error) {
	fsys, err := fs.Sub(migrationFiles, "migrations")
	if err != nil {
		return nil, err
	}
	return goose.NewProvider(goose.DialectSQLite3, db.writer, fsys,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(db.log),
	)
}

// Migrate applies every pending migration, each in its own transaction.
// It is a no-op on an up-to-date database.
func (db *DB) Migrate(ctx context.Context) error {
	p, err := db.provider()
	if err != nil {
		return fmt.Errorf("sqlite: migrations: %w", err)
	}
	results, err := p.Up(ctx)
	if err != nil {
		return fmt.Errorf("sqlite: migrate: %w", err)
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
	p, err := db.provider()
	if err != nil {
		return nil, fmt.Errorf("sqlite: migrations: %w", err)
	}
	list, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: migration status: %w", err)
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
