package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

// request sends one request and returns its HTTP status; the body has
// been read and closed so the connection can be reused.
type request func(ctx context.Context) (status int, err error)

// mixedRequest is a request that also names its kind, so a mixed load
// reports each kind apart as well as in total.
type mixedRequest func(ctx context.Context) (kind string, status int, err error)

// single turns a request into a mixedRequest of no particular kind.
func single(send request) mixedRequest {
	return func(ctx context.Context) (string, int, error) {
		status, err := send(ctx)
		return "", status, err
	}
}

// streamResult is what one stream of requests measured.
type streamResult struct {
	Name string `json:"name"`
	// Mode is "closed" (Concurrency workers, each sending its next request
	// when the previous answer arrives) or "open" (requests due on a
	// fixed schedule at OfferedRate, whatever the server does, sent over
	// at most Concurrency connections).
	Mode        string  `json:"mode"`
	Concurrency int     `json:"concurrency,omitempty"`
	OfferedRate float64 `json:"offered_per_sec,omitempty"`
	// LatencyFrom says where latency starts: "send" for closed loops,
	// "intended" (the scheduled send time) for open loops, so time spent
	// waiting behind a stalled server is counted.
	LatencyFrom string  `json:"latency_from"`
	ElapsedSec  float64 `json:"elapsed_sec"`
	Scheduled   int     `json:"scheduled"`
	OK          int     `json:"ok"`
	// Throughput is successful (200) answers per second of Elapsed.
	Throughput float64        `json:"ok_per_sec"`
	Outcomes   map[string]int `json:"outcomes"`
	Latency    latencySummary `json:"latency"`
	// Kinds splits a mixed load by kind of request.
	Kinds map[string]kindResult `json:"kinds,omitempty"`
}

// kindResult is one kind of request within a mixed stream.
type kindResult struct {
	OK         int            `json:"ok"`
	Throughput float64        `json:"ok_per_sec"`
	Outcomes   map[string]int `json:"outcomes"`
	Latency    latencySummary `json:"latency"`
}

// closedLoop runs workers that each send a request, wait for the answer
// and send the next, until d has passed; requests in flight at the end
// are let finish. It measures the most the server gives this many
// clients; latency runs from the actual send, which under a closed loop
// is the same as the intended one.
func closedLoop(ctx context.Context, name string, workers int, d time.Duration, send request) streamResult {
	return closedLoopMixed(ctx, name, workers, d, single(send))
}

// closedLoopMixed is closedLoop for a mixed load.
func closedLoopMixed(ctx context.Context, name string, workers int, d time.Duration, send mixedRequest) streamResult {
	rec := newRecorder()
	start := time.Now()
	end := start.Add(d)
	var sent atomic.Int64
	var wg sync.WaitGroup
	for range workers {
		wg.Go(func() {
			for ctx.Err() == nil && time.Now().Before(end) {
				t0 := time.Now()
				sent.Add(1)
				kind, status, err := send(ctx)
				rec.record(kind, time.Since(t0), status, err)
			}
		})
	}
	wg.Wait()
	r := rec.result(name, time.Since(start))
	r.Mode, r.Concurrency, r.LatencyFrom, r.Scheduled = "closed", workers, "send", int(sent.Load())
	return r
}

// openLoad shapes an open-loop stream.
type openLoad struct {
	rate     float64       // requests per second, on a fixed schedule
	duration time.Duration // how long the schedule runs
	conns    int           // requests outstanding at most (client connections)
	drain    time.Duration // how long after the schedule a backlog may still be sent
}

// openLoop sends requests on a fixed schedule, whatever the server does,
// through at most l.conns connections (like wrk2's -c and -R). When every
// connection is busy, due requests wait in a client-side queue and keep
// their scheduled time: latency always runs from the scheduled time, so a
// stalled server shows its stall in the percentiles instead of silently
// lowering the request rate (coordinated omission). After the schedule,
// the backlog is sent for up to l.drain more; what is still queued then
// (or when ctx ends) counts as not_sent, a failure without a latency.
func openLoop(ctx context.Context, name string, l openLoad, send request) streamResult {
	return openLoopMixed(ctx, name, l, single(send))
}

// openLoopMixed is openLoop for a mixed load.
func openLoopMixed(ctx context.Context, name string, l openLoad, send mixedRequest) streamResult {
	rec := newRecorder()
	interval := time.Duration(float64(time.Second) / l.rate)
	start := time.Now()
	end := start.Add(l.duration)
	drainBy := end.Add(l.drain)
	due := make(chan time.Time, int(l.duration/interval)+1)
	var wg sync.WaitGroup
	for range l.conns {
		wg.Go(func() {
			for at := range due {
				if ctx.Err() != nil || time.Now().After(drainBy) {
					rec.unsent()
					continue
				}
				kind, status, err := send(ctx)
				rec.record(kind, time.Since(at), status, err)
			}
		})
	}
	timer := time.NewTimer(0)
	defer timer.Stop()
	scheduled := 0
	for i := 0; scheduled < cap(due); i++ {
		at := start.Add(time.Duration(i) * interval)
		if !at.Before(end) {
			break
		}
		if wait := time.Until(at); wait > 0 {
			timer.Reset(wait)
			select {
			case <-ctx.Done():
			case <-timer.C:
			}
		}
		if ctx.Err() != nil {
			break
		}
		due <- at
		scheduled++
	}
	close(due)
	wg.Wait()
	elapsed := l.duration
	if last := rec.lastAnswer(); last.Sub(start) > elapsed {
		// Answers to the backlog were part of this load; time after the
		// last one was not.
		elapsed = last.Sub(start)
	}
	r := rec.result(name, elapsed)
	r.Mode, r.Concurrency, r.OfferedRate, r.LatencyFrom, r.Scheduled = "open", l.conns, l.rate, "intended", scheduled
	return r
}

// result turns what rec collected into a streamResult.
func (r *recorder) result(name string, elapsed time.Duration) streamResult {
	r.mu.Lock()
	defer r.mu.Unlock()
	res := streamResult{
		Name:       name,
		ElapsedSec: elapsed.Seconds(),
		OK:         r.all.ok,
		Throughput: float64(r.all.ok) / elapsed.Seconds(),
		Outcomes:   r.all.outcomes,
		Latency:    summarize(r.all.lat),
	}
	for k, t := range r.kinds {
		if res.Kinds == nil {
			res.Kinds = map[string]kindResult{}
		}
		res.Kinds[k] = kindResult{OK: t.ok, Throughput: float64(t.ok) / elapsed.Seconds(),
			Outcomes: t.outcomes, Latency: summarize(t.lat)}
	}
	return res
}
