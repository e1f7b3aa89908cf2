package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/gatehouse/gatehouse/internal/config"
)

// commonFlags are the flags every command takes.
type commonFlags struct {
	dir, configFile, http, db string
}

// parseFlags parses flags that may come before, between or after the
// positional arguments (`superuser upsert a@b.c pw --dir x`), and returns
// the positional ones.
func parseFlags(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, errUsage
		}
		args = fs.Args()
		if len(args) == 0 {
			return positional, nil
		}
		positional = append(positional, args[0])
		args = args[1:]
	}
}

// newFlagSet makes a flag set with the common flags; withHTTP adds --http.
func newFlagSet(name string, stderr io.Writer, withHTTP bool) (*flag.FlagSet, *commonFlags) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	cf := &commonFlags{}
	fs.StringVar(&cf.dir, "dir", "", "data directory (default ./gatehouse_data)")
	fs.StringVar(&cf.configFile, "config", "", "YAML configuration file")
	fs.StringVar(&cf.db, "db", "", "PostgreSQL URL (default: SQLite in the data directory)")
	if withHTTP {
		fs.StringVar(&cf.http, "http", "", "listen address (default 127.0.0.1:8090)")
	}
	return fs, cf
}

// loadConfig builds the configuration: defaults, then the file, then the
// environment, then flags; it validates the result and names any bad
// option.
func loadConfig(cf *commonFlags, getenv func(string) string) (config.Config, error) {
	cfg, err := config.Load(cf.configFile, getenv)
	if err != nil {
		return cfg, fmt.Errorf("configuration: %w", err)
	}
	if cf.dir != "" {
		cfg.DataDir = cf.dir
	}
	if cf.db != "" {
		cfg.DB.URL = config.SecretURL(cf.db)
	}
	if cf.http != "" {
		cfg.HTTP.Addr = cf.http
	}
	if err := cfg.Validate(); err != nil {
		return cfg, fmt.Errorf("configuration: %s", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return cfg, nil
}
