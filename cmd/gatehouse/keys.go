package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gatehouse/gatehouse/internal/tokens"
)

// runKeys handles `keys rotate`: a new signing key, used by every node
// from its next key reload (keys.reload_interval) and accepted by every
// node at once. Older keys keep verifying the tokens they signed.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cf := newFlagSet("keys", stderr, false)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "rotate" {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	cfg, err := loadConfig(cf, getenv)
	if err != nil {
		return err
	}
	a, err := openApp(ctx, cfg, newLogger(cfg, stderr), nil)
	if err != nil {
		return err
	}
	defer a.close()
	k, err := tokens.Rotate(ctx, a.store, time.Now())
	if err != nil {
		return fmt.Errorf("rotate: %w", err)
	}
	fmt.Fprintf(stdout, "New signing key %s. Every node signs with it after its next key reload; older keys keep verifying.\n", k.ID)
	return nil
}
