package main

import (
	"context"
	"fmt"
	"io"

	"github.com/gatehouse/gatehouse/internal/server"
)

// runSuperuser handles `superuser upsert EMAIL PASSWORD` and
// `superuser delete EMAIL`.
func runSuperuser(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cf := newFlagSet("superuser", stderr, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := loadConfig(cf, getenv)
	if err != nil {
		return err
	}
	a, err := server.Open(ctx, cfg, server.NewLogger(cfg, stderr), server.Options{})
	if err != nil {
		return err
	}
	defer a.Close()
	switch {
	case pos[0] == "upsert" && len(pos) == 3:
		created, err := a.Service.UpsertSuperuser(ctx, pos[1], pos[2])
		if err != nil {
			return describe(err)
		}
		if created {
			fmt.Fprintf(stdout, "Superuser %s created.\n", pos[1])
		} else {
			fmt.Fprintf(stdout, "Superuser %s updated.\n", pos[1])
		}
		return nil
	case pos[0] == "delete" && len(pos) == 2:
		if err := a.Service.DeleteSuperuser(ctx, pos[1]); err != nil {
			return describe(err)
		}
		fmt.Fprintf(stdout, "Superuser %s deleted.\n", pos[1])
		return nil
	}
	fmt.Fprint(stderr, usage)
	return errUsage
}
