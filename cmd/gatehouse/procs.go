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
// is set. The live heap of a server is small (a few MB) and every request
// allocates, so with Go's default (collect when the heap doubles) the
// collector ran often enough to take about a fifth of the CPU of a token
// check. Collecting at 5x the live heap cuts that to a fraction; the soft
// memory limit (the memory_limit setting) makes the collector work harder
// again before the process grows past it, and releaseWhenIdle gives
// the headroom back to the system once the load stops.
const gcPercent = 400

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
