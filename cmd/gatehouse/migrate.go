package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// runMigrate handles `migrate [up|status]`. Migrations also run on every
// start; this command lets operators apply or inspect them without
// serving.
func runMigrate(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cf := newFlagSet("migrate", stderr, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	sub := "up"
	if len(pos) > 0 {
		sub = pos[0]
	}
	if len(pos) > 1 || (sub != "up" && sub != "status") {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := loadConfig(cf, getenv)
	if err != nil {
		return err
	}
	if err := ensureDir(cfg.DataDir); err != nil {
		return err
	}
	db, err := sqlite.Open(ctx, filepath.Join(cfg.DataDir, "data.db"), sqlite.Options{Logger: newLogger(cfg, stderr)})
	if err != nil {
		return fmt.Errorf("open database: %w", err)
	}
	defer db.Close()
	if sub == "up" {
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	states, err := db.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	for _, s := range states {
		state := "pending"
		if s.Applied {
			state = "applied"
		}
		fmt.Fprintf(stdout, "%05d %-30s %s\n", s.Version, s.Name, state)
	}
	return nil
}
