// Package sqlite is the SQLite store for Gatehouse: it implements
// core.Store on modernc.org/sqlite (pure Go, so the binary stays static).
//
// One database file is opened through two pools: a single writer
// connection, so writers queue in Go instead of fighting over SQLite's
// write lock, and a read-only pool for reads outside a transaction, which
// WAL mode lets run alongside the writer. Every connection gets the same
// pragmas from its DSN, so a connection the pool opens later cannot miss
// them.
//
// Every statement, and every transaction as a whole (the wait for the
// writer included), runs under a deadline (Options.QueryTimeout), and
// reports its outcome to an observer (core.Conditions). Driver errors are
// translated by result code, never by message: see translate.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	_ "modernc.org/sqlite" // registers the "sqlite" database/sql driver
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// ReadConns caps the reader pool; 0 means max(4, NumCPU).
	ReadConns int
	// QueryTimeout is the deadline of every call: a statement outside a
	// transaction, or a whole transaction (waiting for the writer
	// included). A call that runs out of it fails with
	// core.ErrStoreTimeout. 0 means 5 s.
	QueryTimeout time.Duration
	// BusyTimeout is SQLite's busy_timeout: how long a statement waits
	// for a lock another process holds before failing with SQLITE_BUSY
	// (core.ErrStoreBusy). Keep it under QueryTimeout, so a held lock
	// reads as busy rather than as a timeout. 0 means 2 s.
	BusyTimeout time.Duration
	// Observer is told the outcome of every call (core.Conditions); nil
	// tells no one.
	Observer core.StoreObserver
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.ReadConns <= 0 {
		o.ReadConns = max(4, runtime.NumCPU())
	}
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 5 * time.Second
	}
	if o.BusyTimeout <= 0 {
		o.BusyTimeout = 2 * time.Second
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// DB is a Gatehouse store backed by one SQLite file. It implements
// core.Store and is safe for concurrent use.
type DB struct {
	queries
	writer *sql.DB
	reader *sql.DB
	// readStmts and writeStmts serve queries outside transactions with
	// prepared statements.
	readStmts, writeStmts *stmtPool
	b                     *bounds
	log                   *slog.Logger
	// rot writes refresh rotations in batches (RotateRefresh).
	rot rotator
}

var _ core.Store = (*DB)(nil)

// Open opens (creating if needed) the database file at path and its
// directory. path must name a file: an in-memory database cannot be shared
// by the two pools. Open does not migrate: call Migrate.
func Open(ctx context.Context, path string, opts Options) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	// The database holds signing keys and password hashes: keep the
	// directory and the file private to the server's user. SQLite gives
	// the -wal and -shm files the main file's mode.
	if err := os.MkdirAll(filepath.Dir(abs), 0o700); err != nil {
		return nil, fmt.Errorf("sqlite: create directory: %w", err)
	}
	f, err := os.OpenFile(abs, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
	switch {
	case err == nil:
		if err := f.Close(); err != nil {
			return nil, fmt.Errorf("sqlite: create database file: %w", err)
		}
	case !errors.Is(err, os.ErrExist):
		return nil, fmt.Errorf("sqlite: create database file: %w", err)
	}

	opts = opts.withDefaults()
	writer, err := openPool(ctx, dsn(abs, false, opts.BusyTimeout), 1)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open writer: %w", err)
	}
	// The writer is opened (and so has switched the file to WAL) before
	// any reader connects.
	reader, err := openPool(ctx, dsn(abs, true, opts.BusyTimeout), opts.ReadConns)
	if err != nil {
		writer.Close()
		return nil, fmt.Errorf("sqlite: open readers: %w", err)
	}
	readStmts, writeStmts := newStmtPool(reader), newStmtPool(writer)
	b := &bounds{timeout: opts.QueryTimeout, obs: opts.Observer}
	db := &DB{
		queries: queries{
			read:  execer{raw: readStmts, b: b},
			write: execer{raw: writeStmts, b: b, write: true},
			pool:  reader, writer: writer, stmts: writeStmts, b: b,
		},
		readStmts: readStmts, writeStmts: writeStmts,
		writer: writer,
		reader: reader,
		b:      b,
		log:    opts.Logger,
	}
	db.rot.db = db
	return db, nil
}

// openPool opens a pool of at most n connections and checks that one
// connects (which runs the DSN's pragmas).
func openPool(ctx context.Context, dsn string, n int) (*sql.DB, error) {
	db, err := sql.Open("sqlite", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(n)
	db.SetMaxIdleConns(n)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// dsn builds a file: URI for path carrying the connection pragmas. The URI
// form keeps a path containing '?', '#' or '%' from being cut short or
// decoded: those characters are percent-encoded.
func dsn(path string, readOnly bool, busy time.Duration) string {
	esc := strings.NewReplacer("%", "%25", "?", "%3F", "#", "%23").Replace(filepath.ToSlash(path))
	// busy_timeout comes first so the pragmas after it wait for a lock
	// instead of failing with SQLITE_BUSY.
	pragmas := []string{fmt.Sprintf("busy_timeout(%d)", busy.Milliseconds()),
		"journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"}
	if readOnly {
		// A reader that is handed a write by mistake fails loudly
		// instead of racing the writer for the lock.
		pragmas = append(pragmas, "query_only(1)")
	} else {
		// Overwrite deleted and updated content with zeros: rows we
		// scrub (delivered mail bodies, which carry one-time tokens)
		// must not linger in free space of the database file.
		pragmas = append(pragmas, "secure_delete(ON)")
	}
	q := make(url.Values)
	q["_pragma"] = pragmas
	if !readOnly {
		// database/sql transactions on the writer take the write lock
		// up front (see InTx).
		q.Set("_txlock", "immediate")
	}
	return "file:" + esc + "?" + q.Encode()
}

// Close closes the cached statements and both pools.
func (db *DB) Close() error {
	return errors.Join(db.readStmts.close(), db.writeStmts.close(), db.reader.Close(), db.writer.Close())
}
