package config

import (
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// DBConfig chooses the database. Empty URL means SQLite in data_dir; a
// postgres:// URL means PostgreSQL, which several nodes can share.
type DBConfig struct {
	// URL is postgres://user:pass@host:port/dbname?sslmode=...; empty
	// means SQLite. It prints with the password masked.
	URL SecretURL `yaml:"url"`
	// MaxConns caps this node's PostgreSQL connection pool.
	MaxConns int `yaml:"max_conns"`
	// ConnectTimeout bounds opening one new connection.
	ConnectTimeout Duration `yaml:"connect_timeout"`
	// AcquireTimeout is how long a request waits for a free pooled
	// connection before it fails with 503, so a saturated pool sheds load
	// instead of queueing requests without bound.
	AcquireTimeout Duration `yaml:"acquire_timeout"`
	// QueryTimeout is the deadline of every database call, in both
	// stores: a statement, or a whole transaction, waiting for a
	// connection (or SQLite's writer) included. A call past it fails with
	// 503 (store_timeout), whichever connection it landed on.
	QueryTimeout Duration `yaml:"query_timeout"`
	// StatementTimeout is PostgreSQL's statement_timeout for each
	// connection: the server cancels a query that runs longer.
	StatementTimeout Duration `yaml:"statement_timeout"`
	// LockTimeout is how long a statement waits for a lock: PostgreSQL's
	// lock_timeout, SQLite's busy_timeout. Past it the call fails with
	// 503 (store_busy).
	LockTimeout Duration `yaml:"lock_timeout"`
}

// RedisConfig is the optional Redis server.
type RedisConfig struct {
	// URL is redis://user:pass@host:port/db (rediss:// for TLS). When set,
	// rate-limit counters live in Redis instead of the database. It
	// prints with the password masked.
	URL SecretURL `yaml:"url"`
	// KeyPrefix starts every key Gatehouse writes, so deployments (or
	// test runs) sharing one Redis keep their counters apart.
	KeyPrefix string `yaml:"key_prefix"`
}

// KeysConfig is about the token signing keys.
type KeysConfig struct {
	// ReloadInterval is how often each node reloads the signing keys from
	// the database, so a key rotated on one node is soon used and
	// published by all.
	ReloadInterval Duration `yaml:"reload_interval"`
}

// maxDBConns bounds db.max_conns: far above what one node can use well,
// low enough to catch a typo before it exhausts the server's slots.
const maxDBConns = 1000

func defaultDB() DBConfig {
	return DBConfig{
		MaxConns:         10,
		ConnectTimeout:   Duration(5 * time.Second),
		AcquireTimeout:   Duration(3 * time.Second),
		QueryTimeout:     Duration(5 * time.Second),
		StatementTimeout: Duration(4 * time.Second),
		LockTimeout:      Duration(2 * time.Second),
	}
}

// UsesPostgres reports whether the store is PostgreSQL (db.url is set)
// rather than SQLite in data_dir.
func (c Config) UsesPostgres() bool { return c.DB.URL != "" }

// UsesRedis reports whether rate-limit counters live in Redis.
func (c Config) UsesRedis() bool { return c.Redis.URL != "" }

func (d DBConfig) validate(p *problems) {
	if d.URL != "" {
		if err := checkPostgresURL(string(d.URL)); err != nil {
			p.add("db.url", "%v", err)
		}
	}
	if d.MaxConns < 1 || d.MaxConns > maxDBConns {
		p.add("db.max_conns", "must be between 1 and %d, got %d", maxDBConns, d.MaxConns)
	}
	positive(p, "db.connect_timeout", d.ConnectTimeout)
	positive(p, "db.acquire_timeout", d.AcquireTimeout)
	positive(p, "db.query_timeout", d.QueryTimeout)
	positive(p, "db.statement_timeout", d.StatementTimeout)
	positive(p, "db.lock_timeout", d.LockTimeout)
	// Each wait is a part of the call the query timeout bounds: one
	// longer than it could never run out, and what it would report
	// (busy, a cancelled statement) would read as a timeout instead.
	for _, part := range []struct {
		path string
		d    Duration
	}{
		{"db.acquire_timeout", d.AcquireTimeout},
		{"db.statement_timeout", d.StatementTimeout},
		{"db.lock_timeout", d.LockTimeout},
	} {
		if part.d > 0 && d.QueryTimeout > 0 && part.d >= d.QueryTimeout {
			p.add(part.path, "must be shorter than db.query_timeout (%s), got %s", d.QueryTimeout, part.d)
		}
	}
}

func (r RedisConfig) validate(p *problems) {
	if r.URL != "" {
		if err := checkRedisURL(string(r.URL)); err != nil {
			p.add("redis.url", "%v", err)
		}
	}
	if r.KeyPrefix == "" || len(r.KeyPrefix) > 100 || strings.ContainsAny(r.KeyPrefix, " \t\r\n") {
		p.add("redis.key_prefix", "must be 1 to 100 characters without spaces, got %q", r.KeyPrefix)
	}
}

func (k KeysConfig) validate(p *problems) {
	if d := k.ReloadInterval.Std(); d < time.Second || d > time.Hour {
		p.add("keys.reload_interval", "must be between 1s and 1h, got %s", k.ReloadInterval)
	}
}

// checkPostgresURL accepts postgres:// or postgresql:// with a host,
// either in the URL or as a host= parameter (a Unix socket directory).
// Its messages never quote the URL: it may hold a password.
func checkPostgresURL(raw string) error {
	u, err := parseServiceURL(raw, "postgres://user:pass@host:5432/dbname")
	if err != nil {
		return err
	}
	if u.Scheme != "postgres" && u.Scheme != "postgresql" {
		return fmt.Errorf("scheme must be postgres or postgresql, got %q", u.Scheme)
	}
	q, err := url.ParseQuery(u.RawQuery)
	if err != nil {
		return errors.New("has a malformed query")
	}
	if u.Hostname() == "" && q.Get("host") == "" {
		return errors.New("must include a host (want postgres://host:5432/dbname, or ?host=/socket/dir)")
	}
	return nil
}

// checkRedisURL accepts redis:// or rediss:// with a host and an optional
// database number as the path. Like checkPostgresURL, it never quotes the
// URL.
func checkRedisURL(raw string) error {
	u, err := parseServiceURL(raw, "redis://:pass@host:6379/0")
	if err != nil {
		return err
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return fmt.Errorf("scheme must be redis or rediss, got %q", u.Scheme)
	}
	if u.Hostname() == "" {
		return fmt.Errorf("must include a host (want %s://host:6379)", u.Scheme)
	}
	if db := strings.TrimPrefix(u.Path, "/"); db != "" {
		if n, err := strconv.Atoi(db); err != nil || n < 0 {
			return errors.New("path must be a database number such as /0")
		}
	}
	if _, err := url.ParseQuery(u.RawQuery); err != nil {
		return errors.New("has a malformed query")
	}
	return nil
}

// parseServiceURL parses a hierarchical scheme://host URL and checks what
// every server URL shares: a port, if any, in range, and no fragment. Its
// messages quote nothing from the URL but the scheme: a password cut short
// by a '/', '?' or '#' would be read as a port.
func parseServiceURL(raw, want string) (*url.URL, error) {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("not a valid URL (want %s)", want)
	}
	if u.Opaque != "" {
		return nil, fmt.Errorf("must include a host (want %s)", want)
	}
	if cutShort(u) {
		return nil, errors.New(`has an "@" after the host: percent-encode '/', '?' and '#' in a user name or password (%2F, %3F, %23), and '@' in a parameter (%40)`)
	}
	if u.Fragment != "" || strings.HasSuffix(raw, "#") {
		return nil, errors.New("must not have a fragment (#...); write '#' in a password as %23")
	}
	if port := u.Port(); port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return nil, errors.New("port must be a number between 1 and 65535")
		}
	}
	return u, nil
}

// cutShort reports whether u has no user info but an "@" after the host:
// the mark of user info that an unescaped '/', '?' or '#' ended early.
// "postgres://u:12?x@db" parses as host "u", port 12 and query "x@db".
func cutShort(u *url.URL) bool {
	return u.User == nil &&
		(strings.Contains(u.Path, "@") || strings.Contains(u.RawQuery, "@") || strings.Contains(u.Fragment, "@"))
}
