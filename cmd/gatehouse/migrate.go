package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gatehouse/gatehouse/internal/server"
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
	db, err := server.OpenDatabase(ctx, cfg, server.NewLogger(cfg, stderr))
	if err != nil {
		return err
	}
	defer db.Close()
	if sub == "up" {
		if err := db.Migrate(ctx); err != nil {
			return fmt.Errorf("migrate: %w", err)
		}
	}
	lines, err := server.MigrationLines(ctx, db)
	if err != nil {
		return fmt.Errorf("migration status: %w", err)
	}
	for _, l := range lines {
		fmt.Fprintln(stdout, l)
	}
	return nil
}
