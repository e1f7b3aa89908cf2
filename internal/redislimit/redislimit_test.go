package redislimit

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/google/go-cmp/cmp"
)

// urlEnv names the Redis the tests use, e.g. redis://127.0.0.1:6379/0.
const urlEnv = "GATEHOUSE_TEST_REDIS_URL"

// testURL returns the test Redis URL, skipping the test when none is set.
func testURL(t *testing.T) string {
	t.Helper()
	u := os.Getenv(urlEnv)
	if u == "" {
		t.Skipf("%s is not set (e.g. redis://127.0.0.1:6379/0)", urlEnv)
	}
	return u
}

// openTest opens a client on the test Redis, failing if it is set but
// unreachable.
func openTest(t *testing.T, rawURL string) *Client {
	t.Helper()
	c, err := Open(t.Context(), rawURL)
	if err != nil {
		t.Fatalf("Open(%s) = %v", urlEnv, err)
	}
	t.Cleanup(func() {
		if err := c.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	return c
}

// testPrefix returns a key prefix of the test's own, whose keys c
// deletes when the test ends, so parallel runs against one Redis never
// share a counter.
func testPrefix(t *testing.T, c *Client) string {
	t.Helper()
	prefix := "gatehouse:test:" + rand.Text() + ":"
	t.Cleanup(func() {
		ctx := context.Background()
		iter := c.rdb.Scan(ctx, 0, prefix+"*", 100).Iterator()
		for iter.Next(ctx) {
			if err := c.rdb.Del(ctx, iter.Val()).Err(); err != nil {
				t.Errorf("delete test key: %v", err)
			}
		}
		if err := iter.Err(); err != nil {
			t.Errorf("scan test keys: %v", err)
		}
	})
	return prefix
}

// testStore wraps store (nil for none) with counters under a prefix of
// the test's own, and returns the prefix.
func testStore(t *testing.T, c *Client, store core.Store) (core.Store, string) {
	t.Helper()
	prefix := testPrefix(t, c)
	return Wrap(store, c, prefix), prefix
}

// hit adds one hit and fails unless the count is want.
func hit(t *testing.T, s core.Store, key string, window, expires time.Time, want int) {
	t.Helper()
	n, err := s.HitRateLimit(t.Context(), key, window, expires)
	if err != nil || n != want {
		t.Errorf("HitRateLimit(%q, %v) = %d, %v, want %d", key, window, n, err, want)
	}
}

// window is the start of the current minute: counters must expire in the
// future, or Redis would drop them at once.
func window() time.Time { return time.Now().Truncate(time.Minute) }

func TestHitRateLimitCounts(t *testing.T) {
	t.Parallel()
	s, _ := testStore(t, openTest(t, testURL(t)), nil)
	const key = "login:ip:203.0.113.7"
	w0 := window()
	w1 := w0.Add(time.Minute)
	for want := 1; want <= 5; want++ {
		hit(t, s, key, w0, w0.Add(3*time.Minute), want)
	}
	// A new window restarts at 1 and leaves the old one alone.
	hit(t, s, key, w1, w1.Add(3*time.Minute), 1)
	hit(t, s, key, w1, w1.Add(3*time.Minute), 2)
	hit(t, s, key, w0, w0.Add(3*time.Minute), 6)
	// Keys are independent and compared exactly, whatever they hold.
	for _, k := range []string{"login:ip:203.0.113.8", "LOGIN:IP:203.0.113.7", key + " ", "", key + ":1",
		"*", "a\x00b", "ключ", "k\r\nDEL x"} {
		hit(t, s, k, w0, w0.Add(3*time.Minute), 1)
	}
	hit(t, s, key, w0, w0.Add(3*time.Minute), 7)

	if _, err := s.HitRateLimit(t.Context(), key, time.Time{}, w0); err == nil {
		t.Error("HitRateLimit with a zero window start succeeded")
	}
	if n, err := s.PruneRateLimits(t.Context(), w0.Add(time.Hour)); err != nil || n != 0 {
		t.Errorf("PruneRateLimits = %d, %v, want 0, nil", n, err)
	}
	hit(t, s, key, w0, w0.Add(3*time.Minute), 8) // pruning left the counter alone
}

func TestHitRateLimitConcurrently(t *testing.T) {
	t.Parallel()
	s, _ := testStore(t, openTest(t, testURL(t)), nil)
	const n = 50
	w := window()
	counts := make([]int, n)
	errs := make([]error, n)
	start := make(chan struct{})
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			<-start
			// The counter outlives the test by minutes: expiring at the
			// window's end, it could expire mid-test at a minute's turn.
			counts[i], errs[i] = s.HitRateLimit(t.Context(), "signup:ip:198.51.100.1", w, w.Add(3*time.Minute))
		})
	}
	close(start)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		t.Fatalf("concurrent hits: %v", err)
	}
	slices.Sort(counts)
	want := make([]int, n)
	for i := range want {
		want[i] = i + 1
	}
	if diff := cmp.Diff(want, counts); diff != "" {
		t.Errorf("counts of %d concurrent hits, sorted (-want +got):\n%s", n, diff)
	}
}

func TestHitRateLimitExpiry(t *testing.T) {
	t.Parallel()
	c := openTest(t, testURL(t))
	s, prefix := testStore(t, c, nil)
	ctx := t.Context()
	w := window()
	redisKey := fmt.Sprintf("%sk:%d", prefix, w.UnixMilli())
	// expiresAt reads when Redis will delete the counter, from its
	// remaining time, give or take a second for the read and for clock
	// skew between this host and a remote Redis.
	expiresAt := func() (lo, hi time.Time) {
		t.Helper()
		before := time.Now()
		ttl, err := c.rdb.PTTL(ctx, redisKey).Result()
		if err != nil || ttl <= 0 {
			t.Fatalf("PTTL(%s) = %v, %v, want a positive TTL", redisKey, ttl, err)
		}
		return before.Add(ttl - time.Second), time.Now().Add(ttl + time.Second)
	}
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    time.Time
	}{
		{"first hit sets it", w.Add(90 * time.Second), w.Add(90 * time.Second)},
		{"a later expiry extends it", w.Add(5 * time.Minute), w.Add(5 * time.Minute)},
		{"an earlier one does not shorten it", w.Add(2 * time.Minute), w.Add(5 * time.Minute)},
	} {
		if _, err := s.HitRateLimit(ctx, "k", w, tc.expires); err != nil {
			t.Fatalf("%s: HitRateLimit = %v", tc.name, err)
		}
		if lo, hi := expiresAt(); tc.want.Before(lo) || tc.want.After(hi) {
			t.Errorf("%s: the key expires between %v and %v, want %v", tc.name, lo, hi, tc.want)
		}
	}

	// A window whose expiry has passed keeps nothing.
	past := w.Add(-time.Hour)
	hit(t, s, "gone", past, past.Add(time.Minute), 1)
	hit(t, s, "gone", past, past.Add(time.Minute), 1)
	if n, err := c.rdb.Exists(ctx, fmt.Sprintf("%sgone:%d", prefix, past.UnixMilli())).Result(); err != nil || n != 0 {
		t.Errorf("EXISTS of an expired window = %d, %v, want 0", n, err)
	}
}

func TestWrapPassesThrough(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "g.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	c := openTest(t, testURL(t))
	s, prefix := testStore(t, c, db)

	now := time.Now().UTC().Truncate(time.Millisecond)
	u := core.User{ID: "u1", CollectionID: core.UsersID, Email: "a@example.com", Status: core.UserActive, Created: now, Updated: now}
	if err := s.InsertUser(ctx, u); err != nil {
		t.Fatalf("InsertUser = %v", err)
	}
	if got, err := db.UserByID(ctx, core.UsersID, "u1"); err != nil || !cmp.Equal(got, u) {
		t.Errorf("UserByID on the wrapped store = %+v, %v, want %+v", got, err, u)
	}
	err = s.InTx(ctx, func(q core.Queries) error {
		return q.InsertSession(ctx, core.Session{ID: "s1", UserID: "u1", CollectionID: core.UsersID,
			Created: now, Expires: now.Add(time.Hour), AMR: []string{"pwd"}, AAL: 1})
	})
	if err != nil {
		t.Fatalf("InTx = %v", err)
	}
	if _, err := s.SessionByID(ctx, "s1"); err != nil {
		t.Errorf("SessionByID after InTx through the wrapper = %v", err)
	}
	if _, err := s.UserByID(ctx, core.UsersID, "nobody"); !errors.Is(err, core.ErrNotFound) {
		t.Errorf("UserByID(nobody) = %v, want the store's ErrNotFound", err)
	}

	// Rate limits go to Redis, not the database.
	w := window()
	hit(t, s, "login:ip:1", w, w.Add(3*time.Minute), 1)
	hit(t, s, "login:ip:1", w, w.Add(3*time.Minute), 2)
	if n, err := db.Count(ctx, "rate_limits"); err != nil || n != 0 {
		t.Errorf("rate_limits rows in the database = %d, %v, want 0", n, err)
	}
	if v, err := c.rdb.Get(ctx, fmt.Sprintf("%slogin:ip:1:%d", prefix, w.UnixMilli())).Result(); err != nil || v != "2" {
		t.Errorf("the Redis counter = %q, %v, want 2", v, err)
	}
}

func TestOpenUnreachable(t *testing.T) {
	t.Parallel()
	addr := closedAddr(t)
	const password = "s3cret-pw"
	for _, tc := range []struct {
		url         string
		unavailable bool
	}{
		{"redis://user:" + password + "@" + addr + "/0", true},
		{"rediss://:" + password + "@" + addr, true},
		{"http://user:" + password + "@" + addr, false},
		{"redis://user:" + password + "@" + addr + "/notadb", false},
		{"redis://user:" + password + "%zz@" + addr, false},
		{"redis://user:" + password + "@[::1", false},
		{"", false},
	} {
		c, err := Open(t.Context(), tc.url)
		if err == nil {
			c.Close()
			t.Errorf("Open(%q) succeeded", tc.url)
			continue
		}
		if strings.Contains(err.Error(), password) || strings.Contains(err.Error(), "3cret") {
			t.Errorf("Open(%q) error %q shows the password", tc.url, err)
		}
		if errors.Is(err, core.ErrUnavailable) != tc.unavailable {
			t.Errorf("Open(%q) = %v, wrapping ErrUnavailable: %v, want %v", tc.url, err, !tc.unavailable, tc.unavailable)
		}
	}
}

func TestServerGone(t *testing.T) {
	t.Parallel()
	p := startProxy(t, testURL(t))
	c := openTest(t, p.url)
	// The keys are cleaned up through a client that stays connected.
	s := Wrap(nil, c, testPrefix(t, openTest(t, testURL(t))))
	w := window()
	hit(t, s, "k", w, w.Add(3*time.Minute), 1)
	if err := c.Ping(t.Context()); err != nil {
		t.Fatalf("Ping while up = %v", err)
	}

	p.stop()
	_, err := s.HitRateLimit(t.Context(), "k", w, w.Add(time.Minute))
	if !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("HitRateLimit with the server gone = %v, want one wrapping ErrUnavailable", err)
	}
	if ce := core.Internal(err); ce.Kind != core.KindUnavailable {
		t.Errorf("core.Internal(%v).Kind = %v, want unavailable", err, ce.Kind)
	}
	if err := c.Ping(t.Context()); !errors.Is(err, core.ErrUnavailable) {
		t.Errorf("Ping with the server gone = %v, want one wrapping ErrUnavailable", err)
	}
}
