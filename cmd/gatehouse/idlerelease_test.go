package main

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

// TestReleaseWhenIdle: memory is released once after a burst, not during
// it, not for a trickle of requests, and again after the next burst.
func TestReleaseWhenIdle(t *testing.T) {
	t.Parallel()
	var requests atomic.Uint64
	reads := make(chan struct{})
	tick := make(chan time.Time)
	var releases atomic.Int32
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go releaseWhenIdle(ctx, tick, func() uint64 {
		n := requests.Load()
		reads <- struct{}{}
		return n
	}, func() { releases.Add(1) })
	<-reads // the count at the start
	// window passes one window in which n requests started. When it
	// returns, the window before it is fully handled (the loop took this
	// tick, so it was back waiting).
	window := func(n uint64) {
		requests.Add(n)
		tick <- time.Time{}
		<-reads
	}
	want := func(n int32, when string) {
		t.Helper()
		if got := releases.Load(); got != n {
			t.Fatalf("%s: %d releases, want %d", when, got, n)
		}
	}
	for range 10 {
		window(releaseAfter / 4)
	}
	window(releaseAfter / 4)
	want(0, "during a burst")
	window(0) // quiet: the burst is over
	window(0)
	want(1, "after a burst")
	for range 10 {
		window(1)
	}
	window(0)
	window(0)
	want(1, "after a trickle")
	window(releaseAfter)
	window(0)
	window(0)
	want(2, "after a second burst")
}
