package main

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/memtrim"
)

// startTrimAfter is how long after it starts serving the server drops,
// once, the pages of its binary that start-up touched
// (memtrim.DropFilePages).
//
// Start-up (the Go runtime, every package's initialisation, migrations,
// the surfaces' schemas) touches pages all over the 49 MB binary, and the
// kernel maps each fault's neighbours too: about 22 MB of it resident
// before the first request, of which serving needs about half. The pages
// stay in the page cache; those a request needs fault back in, once, as
// minor faults. Only once, at start: issue 16's round three also dropped
// them after every burst of load and measured the login flood's reads
// lower (docs/decisions.md, "Issue 16: round three", and "Issue 16: memory
// peaks" for this one-time drop).
const startTrimAfter = time.Second

// trimAfterStart schedules the one drop; the returned stop cancels it if
// the server stops first.
func trimAfterStart() (stop func() bool) {
	return time.AfterFunc(startTrimAfter, memtrim.DropFilePages).Stop
}
