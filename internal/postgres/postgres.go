// Package postgres is the PostgreSQL store for Gatehouse: it implements
// core.Store on a pgx connection pool, so several Gatehouse nodes can share
// one database.
//
// Statements outside InTx run on their own (READ COMMITTED, autocommit);
// every conditional write core relies on (using a token, rotating a refresh
// token, claiming mail, counting a rate-limit hit) is one statement, so it
// is atomic across nodes without a transaction. InTx runs SERIALIZABLE and
// retries the whole function when PostgreSQL reports a serialization
// failure or a deadlock, which is what makes core's read-modify-write
// transactions (lockout counters, fresh reads before updates) safe when
// nodes race.
//
// Driver errors are translated at this boundary by SQLSTATE and error type,
// never by message: a unique violation wraps core.ErrConflict, a foreign
// key violation or a missing row core.ErrNotFound, and a database that
// cannot be reached (refused, dropped, pool exhausted, timed out)
// core.ErrUnavailable. The pool reconnects by itself once the database is
// back.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5/pgxpool"
)

// Options tune Open. The zero value is ready to use.
type Options struct {
	// MaxConns caps the pool (over the DSN's pool_max_conns); 0 means
	// 10, and it is at least 2 (migrating holds one connection for its
	// lock and runs on another).
	MaxConns int32
	// ConnectTimeout bounds establishing one connection; 0 means 5 s.
	ConnectTimeout time.Duration
	// AcquireTimeout is how long a statement waits for a pooled
	// connection before failing fast as unavailable; 0 means 3 s.
	AcquireTimeout time.Duration
	// StatementTimeout is every session's statement_timeout; 0 means
	// 10 s. It overrides one given in the DSN.
	StatementTimeout time.Duration
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

func (o Options) withDefaults() Options {
	if o.MaxConns <= 0 {
		o.MaxConns = 10
	}
	o.MaxConns = max(o.MaxConns, 2)
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 5 * time.Second
	}
	if o.AcquireTimeout <= 0 {
		o.AcquireTimeout = 3 * time.Second
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 10 * time.Second
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// DB is a Gatehouse store backed by a PostgreSQL database. It implements
// core.Store and is safe for concurrent use.
type DB struct {
	queries
	pool *pgxpool.Pool
	log  *slog.Logger
}

var _ core.Store = (*DB)(nil)

// Open connects to the database at dsn (a postgres:// URL or key=value
// string; unknown parameters such as search_path are sent as session
// settings) and checks that it answers. A database that cannot be reached
// wraps core.ErrUnavailable. Open does not migrate: call Migrate.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	opts = opts.withDefaults()
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx's parse error masks the password it can recognise.
		return nil, fmt.Errorf("postgres: %w", err)
	}
	cfg.MaxConns = opts.MaxConns
	cfg.ConnConfig.ConnectTimeout = opts.ConnectTimeout
	// A pooled connection idle for a while is pinged before use; a dead
	// one must not hold a request longer than a missing one would.
	cfg.PingTimeout = opts.AcquireTimeout
	params := cfg.ConnConfig.RuntimeParams
	params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	if params["application_name"] == "" {
		params["application_name"] = "gatehouse"
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: %w", err)
	}
	db := &DB{
		queries: queries{pool: pool, limits: &limits{
			acquire: opts.AcquireTimeout,
			// A statement gets the server's own timeout, a connection
			// wait and some slack; past that the server is not
			// answering (a half-open connection) and the call fails as
			// unavailable instead of hanging.
			op: opts.AcquireTimeout + opts.StatementTimeout + 2*time.Second,
		}},
		pool: pool,
		log:  opts.Logger,
	}
	if err := db.Ping(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return db, nil
}

// Ping checks that the database answers; a database that cannot be
// reached wraps core.ErrUnavailable.
func (db *DB) Ping(ctx context.Context) error {
	return db.run(ctx, "ping", func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, "SELECT 1")
		return err
	})
}

// Close closes every connection of the pool, waiting for those in use to
// be released.
func (db *DB) Close() {
	db.pool.Close()
}
