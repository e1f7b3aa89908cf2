package main

import (
	"log/slog"
	"os"
	"runtime"
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
func reserveHashingProcs(workers int, log *slog.Logger) {
	if os.Getenv("GOMAXPROCS") != "" || workers <= 0 {
		return
	}
	if want := baseProcs + workers; runtime.GOMAXPROCS(0) < want {
		runtime.GOMAXPROCS(want)
		log.Debug("scheduler processors reserved for hashing", "gomaxprocs", want, "hashing_workers", workers)
	}
}
