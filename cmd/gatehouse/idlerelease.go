package main

import (
	"context"
	"runtime/debug"
	"time"

	"github.com/gatehouse/gatehouse/internal/memtrim"
)

// After a burst of load the Go heap keeps the room it grew into: the
// collector lets the heap grow to its goal (gcPercent, or up to the
// memory limit) and the runtime hands freed pages back to the system only slowly. A server that served a
// load test and then sits idle kept tens of megabytes it no longer used
// (docs/decisions.md, "Issue 16: memory and start-up"). releaseWhenIdle
// watches the request count and, once a burst is over, collects and
// returns the free memory at once (releaseMemory: debug.FreeOSMemory, one
// collection of a small live heap, a millisecond or so, and the binary's
// pages).
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

// startTrimAfter is how long after it starts serving the server drops
// the pages of its binary that start-up touched (memtrim.DropFilePages).
const startTrimAfter = time.Second

// releaseMemory is what releaseWhenIdle calls once a burst is over: the
// heap the burst freed goes back to the system, and so do the binary's
// pages it faulted in (a page the next request needs comes back as a
// minor fault, from the page cache). Measured with the bench: idle
// resident memory 25.2 MB before the pages were dropped, 19.3 MB after;
// the read scenario's peak 42.8 MB, then 30.0 MB.
func releaseMemory() {
	debug.FreeOSMemory()
	memtrim.DropFilePages()
}

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
