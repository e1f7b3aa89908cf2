package hashing

import "time"

// Waiting returns how many callers are parked waiting for a free worker
// right now, for a queue-depth gauge. It never exceeds Config.QueueSize:
// a caller turned away because the queue is full is counted for an
// instant only, and is left out here.
func (h *Hasher) Waiting() int {
	return int(min(max(h.pool.waiting.Load(), 0), h.pool.queueSize))
}

// waited reports one accepted job's wait to Config.OnWait, if set.
func (p *pool) waited(d time.Duration) {
	if p.onWait != nil {
		p.onWait(d)
	}
}

// Workers returns how many hashes may run at once.
func (h *Hasher) Workers() int { return h.workers }
