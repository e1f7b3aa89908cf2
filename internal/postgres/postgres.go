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
// cannot serve the call now core.ErrUnavailable or one of its reasons
// (full, busy, timed out; see condition). Every call carries a deadline
// (Options.QueryTimeout), whichever connection it lands on. The pool
// reconnects by itself once the database is back.
package postgres

import (
	"context"
	"fmt"
	"log/slog"
	"net"
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
	// connection before failing fast as busy; 0 means 3 s.
	AcquireTimeout time.Duration
	// QueryTimeout is the deadline of every call, whichever connection
	// it lands on: waiting for a connection, its statements and, for
	// InTx, every attempt and the commit. A call the server does not
	// answer in time (a frozen server, a half-open connection) fails
	// with core.ErrStoreTimeout and its connection is closed. 0 means
	// 5 s.
	QueryTimeout time.Duration
	// StatementTimeout is every session's statement_timeout: the server
	// cancels a statement that runs longer, and the connection stays
	// usable. Keep it under QueryTimeout. 0 means 4 s. It overrides one
	// given in the DSN.
	StatementTimeout time.Duration
	// LockTimeout is every session's lock_timeout: a statement waiting
	// longer for a row or table lock fails with lock_not_available
	// (core.ErrStoreBusy). 0 means 2 s. It overrides one given in the
	// DSN.
	LockTimeout time.Duration
	// Observer is told the outcome of every call (core.Conditions); nil
	// tells no one.
	Observer core.StoreObserver
	// Logger receives migration progress; nil discards it.
	Logger *slog.Logger
}

// Keepalive of every connection: an idle connection whose peer is gone
// (a crashed host, a dropped route) is found and closed within about
// keepaliveIdle + keepaliveCount × keepaliveInterval (30 s), instead of
// the system default of over two hours. A server that is merely frozen
// still acknowledges keepalives; the query timeout covers that case.
const (
	keepaliveIdle     = 15 * time.Second
	keepaliveInterval = 5 * time.Second
	keepaliveCount    = 3
)

// migrationLockTimeout is lock_timeout while migrating. Migrations run
// without statement_timeout (building an index on a large table takes
// what it takes), but a migration that waits for a lock queues every
// request behind it, so it gives up after this and the node stops with
// the error.
const migrationLockTimeout = 10 * time.Second

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
	if o.QueryTimeout <= 0 {
		o.QueryTimeout = 5 * time.Second
	}
	if o.StatementTimeout <= 0 {
		o.StatementTimeout = 4 * time.Second
	}
	if o.LockTimeout <= 0 {
		o.LockTimeout = 2 * time.Second
	}
	if o.Observer == nil {
		o.Observer = nopObserver{}
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
	dialer := &net.Dialer{KeepAliveConfig: net.KeepAliveConfig{
		Enable: true, Idle: keepaliveIdle, Interval: keepaliveInterval, Count: keepaliveCount,
	}}
	cfg.ConnConfig.DialFunc = dialer.DialContext
	// A pooled connection idle for a while is pinged before use; a dead
	// one must not hold a request longer than a missing one would.
	cfg.PingTimeout = opts.AcquireTimeout
	params := cfg.ConnConfig.RuntimeParams
	params["statement_timeout"] = strconv.FormatInt(opts.StatementTimeout.Milliseconds(), 10)
	params["lock_timeout"] = strconv.FormatInt(opts.LockTimeout.Milliseconds(), 10)
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
			op:      opts.QueryTimeout,
			obs:     opts.Observer,
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

// Probe checks that the database answers a read of the users table and,
// with write, that it takes a small write (a rate-limit counter only Probe
// uses, pruned an hour after the last probe), so a full disk or a held
// lock shows. Both report their outcome to the observer like any other
// call.
func (db *DB) Probe(ctx context.Context, write bool) error {
	_, err := get(ctx, db.queries, "probe", `SELECT count(*) FROM (SELECT 1 FROM users LIMIT 1) AS u`, nil, scanInt)
	if err != nil || !write {
		return err
	}
	_, err = db.exec(ctx, "probe write", `INSERT INTO rate_limits AS r (key, window_start, count, expires)
		VALUES ($1, 0, 1, $2)
		ON CONFLICT (key, window_start) DO UPDATE SET count = r.count + 1, expires = excluded.expires`,
		[]byte(probeKey), time.Now().Add(time.Hour).UnixMilli())
	return err
}

// probeKey is the rate-limit counter Probe writes: no rate limit is keyed
// like it.
const probeKey = "gatehouse:probe"

// Ping checks that the database answers; a database that cannot be
// reached wraps core.ErrUnavailable.
func (db *DB) Ping(ctx context.Context) error {
	return db.run(ctx, "ping", false, func(ctx context.Context, c querier) error {
		_, err := c.Exec(ctx, "SELECT 1")
		return err
	})
}

// Close closes every connection of the pool, waiting for those in use to
// be released.
func (db *DB) Close() {
	db.pool.Close()
}
