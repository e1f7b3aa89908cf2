package main

import (
	"log/slog"
	"os"
	"runtime"
	"runtime/debug"
)

// baseProcs is the Go runtime's own choice of parallelism (the CPUs this
// process may use), read before serve changes it.
var baseProcs = runtime.GOMAXPROCS(0)

// reserveHashingProcs gives the Go scheduler one processor per password
// hashing worker on top of its own choice, unless GOMAXPROCS is set.
//
// Why: a hash keeps a processor busy for its whole run (tens of
// milliseconds). With processors = CPUs, a login flood holds workers of
// them and token checks share what is left; with the extra processors,
// token checks keep as many processors as the machine has CPUs and the
// kernel shares the CPUs between them and the hashes. Under a flood, token
// checks then get most of the machine instead of what hashing leaves, and
// logins (already capped by the pool) slow down instead. Without hashing
// load the extra processors sit idle. It only ever raises GOMAXPROCS, so
// several servers in one process (tests) settle on the same value.
//
// serve calls it only when it hashes in-process (GATEHOUSE_HASH_IN_PROCESS):
// with worker processes the hashes run outside this process, and the
// pool's goroutines wait for their answers in the network poller, holding
// no processor.
func reserveHashingProcs(workers int, log *slog.Logger) {
	if os.Getenv("GOMAXPROCS") != "" || workers <= 0 {
		return
	}
	if want := baseProcs + workers; runtime.GOMAXPROCS(0) < want {
		runtime.GOMAXPROCS(want)
		log.Debug("scheduler processors reserved for hashing", "gomaxprocs", want, "hashing_workers", workers)
	}
}

// gcPercent is the collector's pace serve uses unless GOGC or GOMEMLIMIT
// is set: Go's own default, collect when the heap doubles. Issue 8 set
// 400 when a token check allocated 56 times and the collector took about
// a fifth of its CPU; issue 16 cut that to 22 allocations, and measured
// 400 against 100 on the bench: read shares of the bare handler within
// the noise (63.5 % and 61.0 %), while the peaks with two hashing workers
// fell from 104.5 to 89.8 MB for logins and from 123.6 to 105.9 MB
// under the login flood. The soft memory limit (the memory_limit
// setting) makes the collector work harder before the process grows
// past it, and releaseWhenIdle gives memory back once a load stops.
const gcPercent = 100

// tuneGC applies gcPercent and limit (0: none).
func tuneGC(limit int64, log *slog.Logger) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	if limit > 0 {
		debug.SetMemoryLimit(limit)
	}
	log.Debug("garbage collector tuned", "gogc", gcPercent, "memory_limit_bytes", limit)
}
