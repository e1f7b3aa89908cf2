package main

import (
	"context"
	"log/slog"
	"time"
)

// startClock times the steps of serve's start-up, so the debug log says
// where the time to the first answer goes (docs/decisions.md, "Issue 16:
// memory and start-up"). It is not safe for concurrent use: one goroutine
// starts the server.
type startClock struct {
	begin, last time.Time
	steps       []any // name, duration pairs, as slog attributes
}

func newStartClock() *startClock {
	now := time.Now()
	return &startClock{begin: now, last: now}
}

// mark ends the step called name.
func (c *startClock) mark(name string) {
	if c == nil {
		return
	}
	now := time.Now()
	c.steps = append(c.steps, name, now.Sub(c.last).Round(10*time.Microsecond))
	c.last = now
}

// log writes the steps and their total in one debug line.
func (c *startClock) log(log *slog.Logger) {
	if c == nil {
		return
	}
	log.Debug("start-up steps", append(c.steps, "total", time.Since(c.begin).Round(10*time.Microsecond))...)
}

type startClockKey struct{}

// withStartClock hands c to openApp through ctx.
func withStartClock(ctx context.Context, c *startClock) context.Context {
	return context.WithValue(ctx, startClockKey{}, c)
}

// startClockOf is ctx's clock; nil (which ignores marks) when it has none.
func startClockOf(ctx context.Context) *startClock {
	c, _ := ctx.Value(startClockKey{}).(*startClock)
	return c
}
