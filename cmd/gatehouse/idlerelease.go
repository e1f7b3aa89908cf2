package main

import (
	"context"
	"time"
)

// After a burst of load the Go heap keeps the room it grew into: the
// collector lets the heap grow to its goal (gcPercent, or up to the
// memory limit) and the runtime hands freed pages back to the system only slowly. A server that served a
// load test and then sits idle kept tens of megabytes it no longer used
// (docs/decisions.md, "Issue 16: memory and start-up"). releaseWhenIdle
// watches the request count and, once a burst is over, collects and
// returns the free memory at once (debug.FreeOSMemory: one collection of
// a small live heap, a millisecond or so). It does not drop the binary's
// pages as the hashing workers do (memtrim.DropFilePages): measured, the
// server doing so after each burst cost the login flood's reads about 8
// points of their share (docs/decisions.md, "Issue 16: round three");
// serve drops them once, at start (trimAfterStart).
const (
	// releaseWindow is how often the request count is looked at.
	releaseWindow = time.Second
	// releaseQuiet is the most requests a window may see and still count
	// as idle: a load balancer's health checks must not keep the memory.
	releaseQuiet = 2
	// releaseAfter is the fewest requests since the last release that
	// make another worth it: a trickle of requests never forces a
	// collection each window.
	releaseAfter = 200
)

// releaseWhenIdle looks at requests (how many requests the server has
// started so far) on every tick, one per releaseWindow, and calls release
// (debug.FreeOSMemory) once a burst is over. It runs until ctx ends.
func releaseWhenIdle(ctx context.Context, tick <-chan time.Time, requests func() uint64, release func()) {
	last := requests()
	released := last
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick:
		}
		now := requests()
		if now-last <= releaseQuiet && now-released >= releaseAfter {
			release()
			released = now
		}
		last = now
	}
}
