package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/postgres"
	"github.com/gatehouse/gatehouse/internal/server"
	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// copyBatch is how many rows go in one insert: large enough to copy
// millions of rows in minutes, small enough for PostgreSQL's parameter
// limit and one statement's time budget.
const copyBatch = 1000

// runDB handles `db copy --from DATA_DIR --to POSTGRES_URL`: it moves a
// single-node SQLite deployment to PostgreSQL. The copy is re-runnable:
// rows already in the destination are skipped, so running it again after
// an interruption finishes the job.
func runDB(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("db", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "SQLite data directory to copy from (the server using it must be stopped)")
	to := fs.String("to", "", "PostgreSQL URL to copy to (default $GATEHOUSE_DB)")
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "copy" {
		fmt.Fprint(stderr, usage)
		return errUsage
	}
	if *to == "" {
		*to = getenv("GATEHOUSE_DB")
	}
	if *from == "" || *to == "" {
		return errors.New("db copy needs --from DATA_DIR and --to postgres://... (or GATEHOUSE_DB)")
	}
	cfg := config.Default()
	cfg.DB.URL = config.SecretURL(*to)
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("--to: %w", err)
	}
	path := filepath.Join(*from, "data.db")
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("--from: no Gatehouse database at %s: %w", path, err)
	}
	log := server.NewLogger(config.Default(), io.Discard)
	src, err := sqlite.Open(ctx, path, sqlite.Options{Logger: log})
	if err != nil {
		return fmt.Errorf("open %s: %w", path, err)
	}
	defer src.Close()
	if err := checkMigrated(ctx, src); err != nil {
		return err
	}
	dst, err := server.OpenDatabase(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer dst.Close()
	if err := dst.Migrate(ctx); err != nil {
		return fmt.Errorf("migrate %s: %w", cfg.DB.URL, err)
	}
	pg := dst.(server.PGDatabase).DB
	fmt.Fprintf(stdout, "Copying %s to %s\n", path, cfg.DB.URL)
	start := time.Now()
	c := &copier{src: src, dst: pg, progress: stderr, tty: isTerminal(stderr)}
	total, err := c.copyAll(ctx)
	if err != nil {
		return err
	}
	if err := verifyCounts(ctx, src, pg, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "Done: %d rows in %s, counts verified. Point every node at the new database with --db or GATEHOUSE_DB.\n",
		total, time.Since(start).Round(time.Millisecond))
	return nil
}

// checkMigrated refuses a source whose schema is older than this
// binary's, rather than migrating a database the user asked to read.
func checkMigrated(ctx context.Context, src *sqlite.DB) error {
	states, err := src.MigrationStatus(ctx)
	if err != nil {
		return fmt.Errorf("source migrations: %w", err)
	}
	for _, s := range states {
		if !s.Applied {
			return fmt.Errorf("the source database is not migrated to this version (%s pending); run `gatehouse migrate up --dir DATA_DIR` first", s.Name)
		}
	}
	return nil
}

// copier moves every table from a SQLite store to a PostgreSQL one.
type copier struct {
	src      *sqlite.DB
	dst      *postgres.DB
	progress io.Writer
	tty      bool
}

// copyAll copies the tables in the destination's foreign-key order and
// returns how many rows it read.
func (c *copier) copyAll(ctx context.Context) (int, error) {
	tables := c.dst.CopyTables()
	if a, b := slices.Sorted(slices.Values(tables)), slices.Sorted(slices.Values(c.src.Tables())); !slices.Equal(a, b) {
		return 0, fmt.Errorf("the stores' tables differ (SQLite %v, PostgreSQL %v): use one Gatehouse version for both", b, a)
	}
	total := 0
	for _, table := range tables {
		n, err := c.copyTable(ctx, table)
		if err != nil {
			return total, fmt.Errorf("copy %s: %w", table, err)
		}
		total += n
	}
	return total, nil
}

// copyTable copies one table in batches, reporting progress, and returns
// how many rows it read.
func (c *copier) copyTable(ctx context.Context, table string) (int, error) {
	cols, err := c.src.Columns(ctx, table)
	if err != nil {
		return 0, err
	}
	dstCols, err := c.dst.Columns(ctx, table)
	if err != nil {
		return 0, err
	}
	if a, b := slices.Sorted(slices.Values(cols)), slices.Sorted(slices.Values(dstCols)); !slices.Equal(a, b) {
		return 0, fmt.Errorf("columns differ (SQLite %v, PostgreSQL %v): use one Gatehouse version for both", a, b)
	}
	want, err := c.src.Count(ctx, table)
	if err != nil {
		return 0, err
	}
	read, inserted := 0, 0
	c.report(table, read, want, false)
	err = c.src.ExportRows(ctx, table, cols, copyBatch, func(rows [][]any) error {
		n, err := c.dst.ImportRows(ctx, table, cols, rows)
		if errors.Is(err, core.ErrNotFound) {
			return fmt.Errorf("%w (a row refers to one that is not in the copy: was a server still writing to the source?)", err)
		}
		if err != nil {
			return err
		}
		read += len(rows)
		inserted += n
		c.report(table, read, want, false)
		return nil
	})
	if err != nil {
		return read, err
	}
	c.report(table, read, want, true)
	switch {
	case inserted != read:
		fmt.Fprintf(c.progress, "  %-16s %d rows: %d copied, %d already there\n", table, read, inserted, read-inserted)
	case !c.tty:
		fmt.Fprintf(c.progress, "  %-16s %d rows copied\n", table, read)
	}
	return read, nil
}

// report shows a table's progress: one rewritten line on a terminal,
// nothing until the end otherwise (a log should not fill with counts).
func (c *copier) report(table string, done, total int, last bool) {
	if !c.tty {
		return
	}
	fmt.Fprintf(c.progress, "\r  %-16s %d/%d", table, done, total)
	if last {
		fmt.Fprintln(c.progress)
	}
}

// verifyCounts compares every table's row count in both stores. Equal
// counts after a copy that skips existing rows mean the destination
// holds exactly the source's rows; more rows mean it held others before.
func verifyCounts(ctx context.Context, src *sqlite.DB, dst *postgres.DB, out io.Writer) error {
	var bad []string
	for _, table := range dst.CopyTables() {
		a, err := src.Count(ctx, table)
		if err != nil {
			return err
		}
		b, err := dst.Count(ctx, table)
		if err != nil {
			return err
		}
		if a != b {
			bad = append(bad, fmt.Sprintf("%s: source %d, destination %d", table, a, b))
		}
	}
	if len(bad) > 0 {
		fmt.Fprintln(out, "Count mismatch:")
		for _, l := range bad {
			fmt.Fprintln(out, "  "+l)
		}
		return errors.New("the destination's counts differ from the source's: copy into an empty database, with every server stopped")
	}
	return nil
}

// isTerminal reports whether w is a terminal, where progress may
// rewrite its line.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
