package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// outcome is one request's fate during a fault: an answer, or no answer
// at all (Status 0, Err set) when the connection died with the server.
// Only a 2xx answer acknowledges a write; a request without an answer may
// or may not have taken effect, and the scenarios' invariants allow both.
type outcome struct {
	Status int
	Err    error
	Header http.Header
	Raw    string
	JSON   map[string]any
	Took   time.Duration
}

// ok reports whether the request was acknowledged.
func (o outcome) ok() bool { return o.Status >= 200 && o.Status < 300 }

// refused reports a 503 with Retry-After: a known temporary condition
// (the database busy, unreachable or out of space), which the client is
// told to retry. Like a request without an answer, it may have taken
// effect (a commit whose confirmation was lost) or not.
func (o outcome) refused() bool { return o.Status == 503 && o.Header.Get("Retry-After") != "" }

// str returns a string at a dotted path of the JSON body.
func (o outcome) str(path string) string {
	return response{JSON: o.JSON}.str(path)
}

// String describes the outcome for a failure message.
func (o outcome) String() string {
	if o.Status == 0 {
		return "no answer (" + o.Err.Error() + ")"
	}
	return http.StatusText(o.Status) + " " + strings.TrimSpace(truncateText(o.Raw, 300))
}

func truncateText(s string, n int) string {
	if len(s) > n {
		return s[:n] + "..."
	}
	return s
}

// chaosClient is the scenarios' HTTP client. Its timeout is far above
// every bound a scenario asserts, so it only ends requests a server
// would otherwise hold forever.
var chaosClient = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true},
}

// try sends a request to base and reports what became of it; unlike
// testServer.do, a dead connection is an outcome, not a test failure.
// body is nil or any JSON-encodable value; headers are name, value pairs.
func try(ctx context.Context, base, method, path string, body any, headers ...string) outcome {
	var rd io.Reader
	if body != nil {
		raw, err := json.Marshal(body)
		if err != nil {
			return outcome{Err: err}
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequestWithContext(ctx, method, base+path, rd)
	if err != nil {
		return outcome{Err: err}
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	start := time.Now()
	res, err := chaosClient.Do(req)
	if err != nil {
		return outcome{Err: err, Took: time.Since(start)}
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	o := outcome{Status: res.StatusCode, Header: res.Header, Raw: string(raw), Took: time.Since(start)}
	if err != nil {
		// The status line came but the body did not: the answer is
		// incomplete, so nothing is acknowledged.
		return outcome{Err: err, Took: o.Took}
	}
	if strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &o.JSON)
	}
	return o
}

// load runs work on each of n goroutines, over and over, until ctx ends;
// wait returns once every goroutine has returned. work gets its
// goroutine's number and the round it is on.
func load(ctx context.Context, n int, work func(ctx context.Context, worker, round int)) (wait func()) {
	var wg sync.WaitGroup
	for w := range n {
		wg.Go(func() {
			for round := 0; ctx.Err() == nil; round++ {
				work(ctx, w, round)
			}
		})
	}
	return wg.Wait
}

// milestone is closed once a counter reaches a target: a scenario waits
// on it to inject its fault in the middle of the load rather than after
// a guessed sleep.
type milestone struct {
	count  atomic.Int64
	target int64
	once   sync.Once
	done   chan struct{}
}

func newMilestone(target int) *milestone {
	return &milestone{target: int64(target), done: make(chan struct{})}
}

// add counts one more event.
func (m *milestone) add() {
	if m.count.Add(1) >= m.target {
		m.once.Do(func() { close(m.done) })
	}
}

// wait blocks until the target is reached and fails the test if that
// takes longer than limit.
func (m *milestone) wait(t testing.TB, what string, limit time.Duration) {
	t.Helper()
	select {
	case <-m.done:
	case <-time.After(limit):
		t.Fatalf("%s: %d of %d within %s", what, m.count.Load(), m.target, limit)
	}
}

// untilOK repeats probe until it is acknowledged and fails the test if
// that takes longer than limit; it returns how long it took. Scenarios
// probe with a real write (a sign-up): a health answer alone would not
// show that the store works again.
func untilOK(t testing.TB, what string, limit time.Duration, probe func(ctx context.Context) outcome) time.Duration {
	t.Helper()
	start := time.Now()
	for {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		o := probe(ctx)
		cancel()
		if o.ok() {
			return time.Since(start)
		}
		if time.Since(start) > limit {
			t.Fatalf("%s: still failing %s after the fault ended: %s", what, limit, o)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// unexpected collects answers a scenario did not allow, reported once at
// the end with a count per kind so a flood of them stays readable.
type unexpected struct {
	mu    sync.Mutex
	kinds map[string]int
	first map[string]string
	// refused counts the allowed 503s with Retry-After, for the log.
	refused atomic.Int64
}

// add records one disallowed answer to what.
func (u *unexpected) add(what string, o outcome) {
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.kinds == nil {
		u.kinds, u.first = map[string]int{}, map[string]string{}
	}
	key := what + ": " + http.StatusText(o.Status)
	if o.Status == 0 {
		key = what + ": no answer"
	}
	if u.kinds[key] == 0 {
		u.first[key] = o.String()
	}
	u.kinds[key]++
}

// report fails the test for every kind of disallowed answer seen.
func (u *unexpected) report(t testing.TB) {
	t.Helper()
	u.mu.Lock()
	defer u.mu.Unlock()
	for k, n := range u.kinds {
		t.Errorf("%s, %d times; first: %s", k, n, u.first[k])
	}
}
