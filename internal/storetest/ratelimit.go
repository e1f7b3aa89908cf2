package storetest

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// hit adds one hit and fails unless the count is want.
func hit(t *testing.T, s core.Store, key string, window, expires time.Time, want int) {
	t.Helper()
	n, err := s.HitRateLimit(t.Context(), key, window, expires)
	if err != nil || n != want {
		t.Errorf("HitRateLimit(%q, %v) = %d, %v, want %d", key, window, n, err, want)
	}
}

func testHitRateLimit(t *testing.T, s core.Store) {
	const key = "login:ip:203.0.113.7"
	w0, w1 := at(0), at(time.Minute)
	for want := 1; want <= 5; want++ {
		hit(t, s, key, w0, w0.Add(2*time.Minute), want)
	}
	// A new window restarts at 1 and leaves the old one alone.
	hit(t, s, key, w1, w1.Add(2*time.Minute), 1)
	hit(t, s, key, w1, w1.Add(2*time.Minute), 2)
	hit(t, s, key, w0, w0.Add(2*time.Minute), 6)

	// Keys are independent and compared exactly.
	for _, k := range append([]string{"login:ip:203.0.113.8", "LOGIN:IP:203.0.113.7", key + " ", ""}, hostile()...) {
		hit(t, s, k, w0, w0.Add(2*time.Minute), 1)
	}
	hit(t, s, key, w0, w0.Add(2*time.Minute), 7)
}

func testHitRateLimitConcurrently(t *testing.T, s core.Store) {
	const n = 50
	counts := make([]int, n)
	errs := race(n, func(i int) error {
		var err error
		counts[i], err = s.HitRateLimit(t.Context(), "signup:ip:198.51.100.1", at(0), at(time.Minute))
		return err
	})
	for i, err := range errs {
		if err != nil {
			t.Errorf("HitRateLimit #%d = %v", i, err)
		}
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

func testPruneRateLimits(t *testing.T, s core.Store) {
	ctx := t.Context()
	// Window i of key k expires i minutes after the epoch.
	for i := 1; i <= 4; i++ {
		for range i { // window i has i hits
			if _, err := s.HitRateLimit(ctx, fmt.Sprint("k", i), at(0), at(time.Duration(i)*time.Minute)); err != nil {
				t.Fatalf("HitRateLimit = %v", err)
			}
		}
	}
	// A window lives until the latest expiry any of its hits gave.
	hit(t, s, "k1", at(0), at(10*time.Minute), 2)
	hit(t, s, "k1", at(0), at(time.Minute), 3)

	n, err := s.PruneRateLimits(ctx, at(3*time.Minute))
	if err != nil || n != 1 {
		t.Errorf("PruneRateLimits = %d, %v, want 1 (k2)", n, err)
	}
	// Pruned counters restart; the others, k3 expiring exactly at the
	// bound among them, go on.
	hit(t, s, "k2", at(0), at(2*time.Minute), 1)
	hit(t, s, "k1", at(0), at(10*time.Minute), 4)
	hit(t, s, "k3", at(0), at(3*time.Minute), 4)
	hit(t, s, "k4", at(0), at(4*time.Minute), 5)

	n, err = s.PruneRateLimits(ctx, at(time.Hour))
	if err != nil || n != 4 {
		t.Errorf("PruneRateLimits of everything = %d, %v, want 4", n, err)
	}
	hit(t, s, "k4", at(0), at(4*time.Minute), 1)
}
