package hashing

import (
	"sync/atomic"
	"time"
)

// spareRecheck is how often a held-back worker looks again at whether
// the server is still busy.
const spareRecheck = 50 * time.Millisecond

// holdSpare reports whether a spare worker should leave the next job to
// the others: the server is busy with work of its own (Config.Busy).
// With one worker per CPU, the last one only hashes when the server has
// cycles to spare. Worker processes run at the idle priority, so a busy
// server already gets the CPU first; but a memory-hard hash also takes
// the cache and memory bandwidth the requests share, and 19 MiB more
// memory, and in a login flood beside other traffic the extra worker
// adds no logins (it gets almost no CPU) while costing the other
// requests those.
func (p *pool) holdSpare(spare bool) bool {
	return spare && p.busy != nil && p.busy()
}

// CPUWatch measures how much CPU this process (the server itself, not
// its worker processes) used over each recent period, so the hashing
// pool can tell a server busy with other requests from an idle one.
type CPUWatch struct {
	busy  atomic.Bool
	cores float64
	quit  chan struct{}
}

// NewCPUWatch starts a watch that samples the process's CPU time every
// period and reports Busy while the last period used more than cores
// CPUs' worth of it. Close stops it.
func NewCPUWatch(period time.Duration, cores float64) *CPUWatch {
	w := &CPUWatch{cores: cores, quit: make(chan struct{})}
	go w.loop(period)
	return w
}

// Busy reports whether the last period's CPU use passed the threshold.
func (w *CPUWatch) Busy() bool { return w.busy.Load() }

// Close stops the sampling.
func (w *CPUWatch) Close() { close(w.quit) }

func (w *CPUWatch) loop(period time.Duration) {
	t := time.NewTicker(period)
	defer t.Stop()
	lastCPU, lastAt := processCPU(), time.Now()
	for {
		select {
		case <-w.quit:
			return
		case now := <-t.C:
			cpu := processCPU()
			if el := now.Sub(lastAt); el > 0 {
				w.busy.Store(float64(cpu-lastCPU)/float64(el) > w.cores)
			}
			lastCPU, lastAt = cpu, now
		}
	}
}
