package hashing

// WorkerStats describes the hashing workers, for metrics: enough to see
// that a flood neither forks processes nor grows memory.
type WorkerStats struct {
	// InProcess is true when hashes run in the server's own process:
	// configured so, or because worker processes could not be started.
	InProcess bool
	// Processes is how many worker processes are running now.
	Processes int
	// Started counts the worker processes started since the Hasher was
	// made: the first ones and every replacement.
	Started uint64
	// Crashed, Hung and Broken count the worker processes that ended
	// while the Hasher was open, by cause: Crashed ended on their own
	// (the OOM killer, a signal, a panic); Hung were killed by the
	// server for not answering in time; Broken were stopped by the
	// server for breaking the protocol (or never announcing themselves).
	// A caller that goes away ends no worker.
	Crashed, Hung, Broken uint64
	// Idle counts the worker processes the server stopped because they
	// had no work for ChildConfig.IdleTimeout; the next hash starts one
	// again.
	Idle uint64
	// ResidentBytes is the sum of the running workers' resident memory
	// (VmRSS) and PeakResidentBytes the largest peak (VmHWM) of one of
	// them, read from /proc when asked (Linux; 0 elsewhere).
	ResidentBytes, PeakResidentBytes uint64
	// Abandoned counts hashing jobs whose caller went away (client gone,
	// deadline) while a worker ran them. The worker finished the hash, or
	// skipped it if it had not begun, and dropped the result; it was not
	// replaced.
	Abandoned uint64
}

// WorkerStats returns the workers' figures now. It reads /proc once per
// running worker process, so it is meant for a scrape, not a hot path.
func (h *Hasher) WorkerStats() WorkerStats {
	s := WorkerStats{InProcess: true}
	if d, ok := h.deriver.(*ChildDeriver); ok {
		s = d.stats()
	}
	s.Abandoned = h.pool.abandoned.Load()
	return s
}

// stats is the deriver's part of WorkerStats.
func (d *ChildDeriver) stats() WorkerStats {
	d.mu.Lock()
	s := WorkerStats{
		InProcess: d.inProcess.Load(),
		Processes: len(d.all),
		Started:   d.starts,
		Crashed:   d.exits[exitCrash],
		Hung:      d.exits[exitHung],
		Broken:    d.exits[exitProtocol],
		Idle:      d.exits[exitIdle],
	}
	pids := make([]int, 0, len(d.all))
	for c := range d.all {
		pids = append(pids, c.pid)
	}
	d.mu.Unlock()
	// Outside the lock: a scrape must not hold up hashing. A worker that
	// ends meanwhile is simply left out.
	for _, pid := range pids {
		if rss, hwm, ok := procMemory(pid); ok {
			s.ResidentBytes += rss
			s.PeakResidentBytes = max(s.PeakResidentBytes, hwm)
		}
	}
	return s
}

// Pids returns the pids of the running worker processes (tests and
// diagnostics).
func (d *ChildDeriver) Pids() []int {
	d.mu.Lock()
	defer d.mu.Unlock()
	pids := make([]int, 0, len(d.all))
	for c := range d.all {
		pids = append(pids, c.pid)
	}
	return pids
}
