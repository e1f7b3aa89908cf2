package server

import (
	"log/slog"
	"time"
)

// StartClock times the steps of serve's start-up, so the debug log says
// where the time to the first answer goes (docs/decisions.md, "Issue 16:
// memory and start-up"). It is not safe for concurrent use: one goroutine
// starts the server. A nil clock ignores every call.
type StartClock struct {
	begin, last time.Time
	steps       []any // name, duration pairs, as slog attributes
}

// NewStartClock starts timing now.
func NewStartClock() *StartClock {
	now := time.Now()
	return &StartClock{begin: now, last: now}
}

// Mark ends the step called name.
func (c *StartClock) Mark(name string) {
	if c == nil {
		return
	}
	now := time.Now()
	c.steps = append(c.steps, name, now.Sub(c.last).Round(10*time.Microsecond))
	c.last = now
}

// Log writes the steps and their total in one debug line.
func (c *StartClock) Log(log *slog.Logger) {
	if c == nil {
		return
	}
	log.Debug("start-up steps", append(c.steps, "total", time.Since(c.begin).Round(10*time.Microsecond))...)
}
