package main

import (
	"context"
	"errors"
	"math"
	"net"
	"slices"
	"strconv"
	"sync"
	"time"
)

// latencySummary describes a set of latencies, in milliseconds for the
// JSON report.
type latencySummary struct {
	Count  int     `json:"count"`
	MeanMs float64 `json:"mean_ms"`
	P50Ms  float64 `json:"p50_ms"`
	P90Ms  float64 `json:"p90_ms"`
	P99Ms  float64 `json:"p99_ms"`
	MaxMs  float64 `json:"max_ms"`
}

// summarize computes the summary of lat. It sorts lat in place.
func summarize(lat []time.Duration) latencySummary {
	if len(lat) == 0 {
		return latencySummary{}
	}
	slices.Sort(lat)
	var sum time.Duration
	for _, d := range lat {
		sum += d
	}
	return latencySummary{
		Count:  len(lat),
		MeanMs: ms(sum / time.Duration(len(lat))),
		P50Ms:  ms(percentile(lat, 50)),
		P90Ms:  ms(percentile(lat, 90)),
		P99Ms:  ms(percentile(lat, 99)),
		MaxMs:  ms(lat[len(lat)-1]),
	}
}

// percentile returns the p-th percentile (0 < p <= 100) of sorted by the
// nearest-rank method: the smallest sample such that at least p% of the
// samples are at or below it. It is always an observed value, never an
// interpolation, so a p99 of 40 ms means a request really took 40 ms.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p / 100 * float64(len(sorted))))
	return sorted[min(max(rank, 1), len(sorted))-1]
}

// median returns the middle value of d (the mean of the two middle ones
// for an even count), without reordering d.
func median(d []time.Duration) time.Duration {
	if len(d) == 0 {
		return 0
	}
	s := slices.Clone(d)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// outcomeError is a failure the bench itself finds, named as its outcome.
type outcomeError string

func (e outcomeError) Error() string { return string(e) }

// Failures the bench finds itself.
const (
	// errNoSuccessor: a refresh answered 200 without the next token.
	errNoSuccessor = outcomeError("no_successor")
	// errNoFreshUser: every never-logged-in imported user has been used.
	errNoFreshUser = outcomeError("no_fresh_user")
)

// outcome names how one request ended, for the error counts: the HTTP
// status code, or the kind of failure when there was no answer.
func outcome(status int, err error) string {
	var ne net.Error
	var oe outcomeError
	switch {
	case err == nil:
		return strconv.Itoa(status)
	case errors.As(err, &oe):
		return string(oe)
	case errors.Is(err, context.Canceled):
		return "canceled"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return "timeout"
	}
	return "transport_error"
}

// tally is what was recorded for one set of requests.
type tally struct {
	lat      []time.Duration
	outcomes map[string]int
	ok       int
}

func (t *tally) add(lat time.Duration, key string, ok bool) {
	t.lat = append(t.lat, lat)
	t.outcomes[key]++
	if ok {
		t.ok++
	}
}

// recorder collects the outcomes and latencies of one stream of requests
// from many goroutines: in total, and per kind for a mixed load.
type recorder struct {
	mu    sync.Mutex
	all   tally
	kinds map[string]*tally
	last  time.Time // when the last answer arrived
}

func newRecorder() *recorder {
	return &recorder{all: tally{outcomes: map[string]int{}}, kinds: map[string]*tally{}}
}

// record notes one finished request of the given kind ("" for a load of
// one kind): its latency, its status (or error), and whether it counts as
// a success (status 200).
func (r *recorder) record(kind string, lat time.Duration, status int, err error) {
	now := time.Now()
	key := outcome(status, err)
	ok := err == nil && status == 200
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all.add(lat, key, ok)
	if kind != "" {
		t := r.kinds[kind]
		if t == nil {
			t = &tally{outcomes: map[string]int{}}
			r.kinds[kind] = t
		}
		t.add(lat, key, ok)
	}
	if now.After(r.last) {
		r.last = now
	}
}

// unsent notes a request that was due but never sent (the run ended or
// its backlog outlasted the drain time): a failure with no latency.
func (r *recorder) unsent() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.all.outcomes["not_sent"]++
}

// lastAnswer is when the last answer arrived (zero if none did).
func (r *recorder) lastAnswer() time.Time {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.last
}
