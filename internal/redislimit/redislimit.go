// Package redislimit keeps Gatehouse's rate-limit counters in Redis.
//
// Every rate-limited request (and every OTP or TOTP attempt) counts one
// hit, so with many nodes or a busy server the counters are the hottest
// writes the store sees. Wrap moves just those two methods,
// HitRateLimit and PruneRateLimits, from the database to Redis and leaves
// everything else on the database. Each hit is one atomic round trip, and
// Redis expires finished windows itself, so there is nothing to prune.
package redislimit

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/redis/go-redis/v9"
)

// pingTimeout bounds the check at Open: a server that does not answer
// within it should stop startup with an error, not hang it.
const pingTimeout = 3 * time.Second

// Client is a connection pool to one Redis server. It is safe for
// concurrent use.
type Client struct {
	rdb *redis.Client
	hit *redis.Script // hitLua
	// addr (host:port) names the server in errors; the URL is never
	// repeated, since it may carry a password.
	addr string
}

// Open connects to the Redis server at rawURL, a redis:// URL or, for
// TLS, a rediss:// one (redis[s]://[user:password@]host[:port][/db], with
// go-redis's options, such as dial_timeout or pool_size, as query
// parameters). It pings the server, so a wrong address or password fails
// here rather than on the first request; an unreachable server wraps
// core.ErrUnavailable. Errors never contain the password.
func Open(ctx context.Context, rawURL string) (*Client, error) {
	// url.Parse's errors quote the URL, password included, so they are
	// not passed on.
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil, errors.New("redislimit: the redis url does not parse as a url")
	}
	if u.Scheme != "redis" && u.Scheme != "rediss" {
		return nil, fmt.Errorf("redislimit: redis url scheme %q, want redis or rediss", u.Scheme)
	}
	opts, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("redislimit: redis url: %s", redact(err.Error(), u))
	}
	failFast(opts, u)
	c := &Client{rdb: redis.NewClient(opts), hit: redis.NewScript(hitLua), addr: opts.Addr}
	pctx, cancel := context.WithTimeout(ctx, pingTimeout)
	defer cancel()
	if err := c.rdb.Ping(pctx).Err(); err != nil {
		c.rdb.Close()
		// The cause is kept as text only, after redaction, so no
		// error in the chain can print the password.
		return nil, fmt.Errorf("redislimit: ping %s: %w: %s", c.addr, core.ErrUnavailable, redact(err.Error(), u))
	}
	return c, nil
}

// failFast tunes go-redis's retries for a limiter on the request path:
// when Redis is down a request should fail at once as unavailable, not
// after go-redis's default five dials per attempt and three retries. One
// retry is kept (unless the URL sets max_retries), for a pooled
// connection the server closed when it restarted. A retried hit may be
// counted twice, which errs on the side of limiting.
func failFast(opts *redis.Options, u *url.URL) {
	opts.DialerRetries = 1
	if !u.Query().Has("max_retries") {
		opts.MaxRetries = 1
	}
}

// Ping checks that the server answers, for health checks. A failure
// wraps core.ErrUnavailable.
func (c *Client) Ping(ctx context.Context) error {
	return c.fail(ctx, "ping", c.rdb.Ping(ctx).Err())
}

// Close closes the connection pool.
func (c *Client) Close() error {
	return c.rdb.Close()
}

// fail names the operation and marks a Redis failure as core.ErrUnavailable:
// core then answers 503 and the request can be retried. A request whose
// own context was cancelled is not an outage and is not marked.
func (c *Client) fail(ctx context.Context, op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, context.Canceled) && ctx.Err() != nil {
		return fmt.Errorf("redislimit: %s: %w", op, err)
	}
	return fmt.Errorf("redislimit: %s at %s: %w: %w", op, c.addr, core.ErrUnavailable, err)
}

// redact removes u's password from msg. go-redis does not put it in its
// errors; this keeps it that way should one ever quote it.
func redact(msg string, u *url.URL) string {
	if p, ok := u.User.Password(); ok && p != "" {
		msg = strings.ReplaceAll(msg, p, "xxxxx")
	}
	return msg
}
