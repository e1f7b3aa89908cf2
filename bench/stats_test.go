package main

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// msList turns whole milliseconds into durations.
func msList(v ...int) []time.Duration {
	out := make([]time.Duration, len(v))
	for i, x := range v {
		out[i] = time.Duration(x) * time.Millisecond
	}
	return out
}

func TestPercentileNearestRank(t *testing.T) {
	t.Parallel()
	hundred := make([]time.Duration, 100)
	for i := range hundred {
		hundred[i] = time.Duration(i+1) * time.Millisecond // 1..100 ms
	}
	tests := []struct {
		name   string
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{"empty", nil, 50, 0},
		{"one sample is every percentile", msList(7), 99, 7 * time.Millisecond},
		{"p50 of 1..100", hundred, 50, 50 * time.Millisecond},
		{"p90 of 1..100", hundred, 90, 90 * time.Millisecond},
		{"p99 of 1..100", hundred, 99, 99 * time.Millisecond},
		{"p100 is the max", hundred, 100, 100 * time.Millisecond},
		{"tiny p is the min", hundred, 0.001, time.Millisecond},
		// 4 samples: rank ceil(0.5*4)=2 -> the second, never a mean of two.
		{"p50 of four is observed", msList(1, 2, 3, 40), 50, 2 * time.Millisecond},
		// A single slow request among 10 is the p99 (rank ceil(9.9)=10).
		{"p99 of ten is the slowest", msList(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 99, 500 * time.Millisecond},
		{"p90 of ten ignores it", msList(1, 1, 1, 1, 1, 1, 1, 1, 1, 500), 90, time.Millisecond},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := percentile(tt.sorted, tt.p); got != tt.want {
				t.Errorf("percentile(p%v) = %v, want %v", tt.p, got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   []time.Duration
		want latencySummary
	}{
		{"empty", nil, latencySummary{}},
		{"unsorted input", msList(30, 10, 20, 40), latencySummary{Count: 4, MeanMs: 25, P50Ms: 20, P90Ms: 40, P99Ms: 40, MaxMs: 40}},
		{"sub-millisecond", []time.Duration{500 * time.Microsecond, 1500 * time.Microsecond},
			latencySummary{Count: 2, MeanMs: 1, P50Ms: 0.5, P90Ms: 1.5, P99Ms: 1.5, MaxMs: 1.5}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if diff := cmp.Diff(tt.want, summarize(tt.in)); diff != "" {
				t.Errorf("summarize mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestMedian(t *testing.T) {
	t.Parallel()
	odd := msList(30, 10, 20)
	if got := median(odd); got != 20*time.Millisecond {
		t.Errorf("median(30,10,20) = %v, want 20ms", got)
	}
	if diff := cmp.Diff(msList(30, 10, 20), odd); diff != "" {
		t.Errorf("median reordered its input (-want +got):\n%s", diff)
	}
	if got := median(msList(40, 10, 20, 30)); got != 25*time.Millisecond {
		t.Errorf("median(10,20,30,40) = %v, want 25ms", got)
	}
	if got := median(nil); got != 0 {
		t.Errorf("median(nil) = %v, want 0", got)
	}
}

func TestOutcome(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status int
		err    error
		want   string
	}{
		{200, nil, "200"},
		{503, nil, "503"},
		{0, fmt.Errorf("get: %w", context.DeadlineExceeded), "timeout"},
		{0, context.Canceled, "canceled"},
		{0, errors.New("connection refused"), "transport_error"},
	}
	for _, tt := range tests {
		if got := outcome(tt.status, tt.err); got != tt.want {
			t.Errorf("outcome(%d, %v) = %q, want %q", tt.status, tt.err, got, tt.want)
		}
	}
}

// TestOpenLoopKeepsSendingWhileAnswersWait holds every answer until the
// last request of the schedule has been sent. The open loop must keep
// sending meanwhile (a closed loop would stall and the gate would time
// out), and the first request's latency must include the whole wait.
func TestOpenLoopKeepsSendingWhileAnswersWait(t *testing.T) {
	t.Parallel()
	const n = 20
	gate := make(chan struct{})
	var started atomic.Int32
	send := func(ctx context.Context) (int, error) {
		if started.Add(1) == n {
			close(gate)
		}
		select {
		case <-gate:
			return 200, nil
		case <-time.After(5 * time.Second):
			return 504, nil
		}
	}
	// 1000/s for 20 ms schedules requests at 0, 1, ..., 19 ms.
	r := openLoop(context.Background(), "fake", openLoad{rate: 1000, duration: n * time.Millisecond, conns: n, drain: time.Second}, send)
	if r.Scheduled != n || r.OK != n {
		t.Fatalf("scheduled %d, ok %d (outcomes %v), want %d and %d", r.Scheduled, r.OK, r.Outcomes, n, n)
	}
	// The gate opens no earlier than the last scheduled send, 19 ms in.
	if r.Latency.MaxMs < 19 {
		t.Errorf("max latency %.2f ms, want >= 19 ms", r.Latency.MaxMs)
	}
	if r.Mode != "open" || r.LatencyFrom != "intended" {
		t.Errorf("mode %q, latency from %q", r.Mode, r.LatencyFrom)
	}
}

// TestOpenLoopCountsQueueingFromIntendedSend uses one connection and a
// first answer that takes 30 ms: the four requests due meanwhile (at 1-4
// ms) wait behind it, and that wait is part of their latency. A closed
// loop, or an open loop timing from the actual send, would report them
// as instant.
func TestOpenLoopCountsQueueingFromIntendedSend(t *testing.T) {
	t.Parallel()
	var calls atomic.Int32
	send := func(ctx context.Context) (int, error) {
		if calls.Add(1) == 1 {
			time.Sleep(30 * time.Millisecond) // the server's slow answer, not synchronisation
		}
		return 200, nil
	}
	r := openLoop(context.Background(), "fake", openLoad{rate: 1000, duration: 5 * time.Millisecond, conns: 1, drain: time.Second}, send)
	if r.OK != 5 {
		t.Fatalf("ok %d (outcomes %v), want 5", r.OK, r.Outcomes)
	}
	// The fastest queued request was due at 4 ms and sent after 30 ms.
	if r.Latency.P50Ms < 26 {
		t.Errorf("p50 %.2f ms, want >= 26 ms: queueing behind a busy connection must count", r.Latency.P50Ms)
	}
}

func TestOpenLoopStopsSendingAfterDrain(t *testing.T) {
	t.Parallel()
	send := func(ctx context.Context) (int, error) {
		time.Sleep(20 * time.Millisecond) // one slow answer outlasts the schedule and the drain
		return 200, nil
	}
	// A million a second for 10 µs: 10 requests due at once, one
	// connection, no drain time: at most the first is sent.
	r := openLoop(context.Background(), "fake", openLoad{rate: 1e6, duration: 10 * time.Microsecond, conns: 1}, send)
	if r.Scheduled != 10 {
		t.Fatalf("scheduled %d, want 10", r.Scheduled)
	}
	if sent := r.Outcomes["200"]; sent > 1 || sent+r.Outcomes["not_sent"] != 10 {
		t.Errorf("outcomes %v, want at most one 200 and the rest not_sent", r.Outcomes)
	}
}

func TestParseProc(t *testing.T) {
	t.Parallel()
	status := "Name:\tgatehouse\nVmHWM:\t  181234 kB\nVmRSS:\t   58572 kB\n"
	if got, err := parseStatusKB(status, "VmRSS"); err != nil || got != 58572 {
		t.Errorf("VmRSS = %d, %v; want 58572", got, err)
	}
	if _, err := parseStatusKB(status, "VmSwap"); err == nil {
		t.Error("missing field: want an error")
	}
	// A command name with spaces and a parenthesis must not shift fields.
	stat := "917 (gate) house) S 1 917 917 0 -1 4194560 100 0 0 0 250 50 0 0 20 0 9 0 1 2 3"
	if got, err := parseStatCPU(stat); err != nil || got != 3*time.Second {
		t.Errorf("cpu = %v, %v; want 3s (300 ticks)", got, err)
	}
	if _, err := parseStatCPU("917 gatehouse S"); err == nil {
		t.Error("malformed stat: want an error")
	}
}
