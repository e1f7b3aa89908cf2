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

// GC settings serve uses unless GOGC or GOMEMLIMIT is set. The live heap
// of a server is small (tens of MB) and every request allocates, so with
// Go's default (collect when the heap doubles) the collector ran often
// enough to take about a fifth of the CPU of a token check. Collecting at
// 4x the live heap cuts that to a fraction, and the soft memory limit
// makes the collector work harder again before the process grows past it,
// so memory stays bounded under a login flood (each argon2id hash
// allocates its 19 MiB).
const (
	gcPercent   = 400
	memoryLimit = 128 << 20
)

// tuneGC applies gcPercent and memoryLimit.
func tuneGC(log *slog.Logger) {
	if os.Getenv("GOGC") != "" || os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	debug.SetGCPercent(gcPercent)
	debug.SetMemoryLimit(memoryLimit)
	log.Debug("garbage collector tuned", "gogc", gcPercent, "memory_limit_bytes", memoryLimit)
}
