package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"github.com/gatehouse/gatehouse/internal/server"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// runKeys handles `keys rotate [--alg ALG]`: a new signing key, used by
// every node from its next key reload (keys.reload_interval) and accepted
// by every node at once. Older keys keep verifying the tokens they signed.
// Without --alg it rotates every algorithm in use (EdDSA, and RS256 once
// it has a key); --alg rotates one, and makes the first RS256 key.
func runKeys(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs, cf := newFlagSet("keys", stderr, false)
	alg := fs.String("alg", "", "rotate only this algorithm's key: EdDSA or RS256 (default: every algorithm in use)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "rotate" {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	if *alg != "" && !tokens.Supported(*alg) {
		fmt.Fprintf(stderr, "keys rotate: unsupported --alg %q (EdDSA or RS256)\n", *alg)
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
	algs := []string{*alg}
	if *alg == "" {
		if algs, err = tokens.InUse(ctx, a.Store); err != nil {
			return fmt.Errorf("rotate: %w", err)
		}
	}
	for _, alg := range algs {
		k, err := tokens.Rotate(ctx, a.Store, alg, time.Now())
		if err != nil {
			return fmt.Errorf("rotate %s: %w", alg, err)
		}
		if alg == tokens.Algorithm {
			fmt.Fprintf(stdout, "New signing key %s. Every node signs with it after its next key reload; older keys keep verifying.\n", k.ID)
		} else {
			fmt.Fprintf(stdout, "New %s signing key %s. Every node signs %s tokens with it after its next key reload; older keys keep verifying.\n", alg, k.ID, alg)
		}
	}
	return nil
}
