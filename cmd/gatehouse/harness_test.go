package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"
)

// testServer is the real server, started by run() on a random port with
// its own data directory.
type testServer struct {
	URL string
	Dir string
	// DB is the PostgreSQL URL the server uses, "" for SQLite in Dir.
	DB     string
	cancel context.CancelFunc
	done   chan error
	stderr *syncBuffer
	// kill, set for a server process (startNode), kills it with SIGKILL.
	kill func()
	// pid is a server process's id (startNode), 0 in-process.
	pid int
}

// serverOpts tune a test server. Env adds GATEHOUSE_* variables; Dir
// and DB reuse a data directory and database (to restart a server on
// the same data). SQLite keeps the server on SQLite even in a
// PostgreSQL test run.
type serverOpts struct {
	Env    map[string]string
	Dir    string
	DB     string
	SQLite bool
}

// testConfig makes hashing cheap and mail retries fast; everything else
// is the zero-configuration default.
const testConfig = `
passwords:
  argon2_memory_kib: 1024
  argon2_iterations: 1
mail:
  poll: 200ms
  retry_base: 100ms
  retry_max: 500ms
  send_timeout: 5s
`

// syncBuffer is a goroutine-safe buffer for the server's log.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// startServer runs `gatehouse serve` in-process and waits until it
// listens. The server stops at the end of the test.
func startServer(t testing.TB, opts serverOpts) *testServer {
	t.Helper()
	return startServerWith(t, "", opts)
}

// Stop shuts the server down gracefully and fails the test if run
// returned an error. Stopping twice is fine.
func (ts *testServer) Stop(t testing.TB) {
	t.Helper()
	if ts.cancel == nil {
		return
	}
	ts.cancel()
	ts.cancel = nil
	select {
	case err := <-ts.done:
		if err != nil {
			t.Errorf("run returned %v\n%s", err, ts.stderr.String())
		}
	case <-time.After(30 * time.Second):
		t.Errorf("server did not stop in time")
	}
}

// response is a decoded HTTP answer.
type response struct {
	Status int
	Header http.Header
	Raw    string
	JSON   map[string]any
}

// do sends a request. body may be nil, a string (sent as is, JSON type
// unless a Content-Type header is given) or any value (JSON-encoded).
// headers are name, value pairs.
func (ts *testServer) do(t testing.TB, method, path string, body any, headers ...string) response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, ts.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(headers); i += 2 {
		req.Header.Set(headers[i], headers[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		if err := json.Unmarshal(raw, &out.JSON); err != nil {
			t.Fatalf("%s %s: body is not a JSON object: %q", method, path, raw)
		}
	}
	return out
}

// want fails unless the answer has the given status.
func (r response) want(t testing.TB, status int) response {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status = %d, want %d; body %s", r.Status, status, r.Raw)
	}
	return r
}

// str returns a string at a dotted path of the JSON body.
func (r response) str(path string) string {
	var v any = r.JSON
	for _, k := range strings.Split(path, ".") {
		m, _ := v.(map[string]any)
		v = m[k]
	}
	s, _ := v.(string)
	return s
}

// linkToken matches the token at the end of a PocketBase-style link.
var linkToken = regexp.MustCompile(`/_/#/auth/(confirm-[a-z-]+)/([A-Za-z0-9_\-.]+)`)

// mailMatches returns the first match of re in every dev-mailbox message
// addressed to exactly `to` (its To header), oldest first.
func (ts *testServer) mailMatches(t testing.TB, to string, re *regexp.Regexp) [][]string {
	t.Helper()
	dir := filepath.Join(ts.Dir, "mail")
	entries, _ := os.ReadDir(dir)
	var names []string
	for _, e := range entries {
		if strings.HasSuffix(e.Name(), ".eml") {
			names = append(names, e.Name())
		}
	}
	sort.Strings(names) // the names start with the time they were written
	toLine := regexp.MustCompile(`(?m)^To: (<` + regexp.QuoteMeta(to) + `>|` + regexp.QuoteMeta(to) + `)\r?$`)
	var out [][]string
	for _, n := range names {
		raw, err := os.ReadFile(filepath.Join(dir, n))
		if err != nil {
			t.Fatal(err)
		}
		headers, _, _ := bytes.Cut(raw, []byte("\r\n\r\n"))
		if !toLine.Match(headers) {
			continue
		}
		if m := re.FindStringSubmatch(string(raw)); m != nil {
			out = append(out, m)
		}
	}
	return out
}

// mailTokens returns the (action, token) of every link mailed to `to`,
// oldest first.
func (ts *testServer) mailTokens(t testing.TB, to string) [][2]string {
	t.Helper()
	var out [][2]string
	for _, m := range ts.mailMatches(t, to, linkToken) {
		out = append(out, [2]string{m[1], m[2]})
	}
	return out
}

// waitMail polls the mailbox until a link of the given action reaches to.
func (ts *testServer) waitMail(t testing.TB, to, action string) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		toks := ts.mailTokens(t, to)
		for i := len(toks) - 1; i >= 0; i-- {
			if toks[i][0] == action {
				return toks[i][1]
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no %s mail to %s within 10s", action, to)
	return ""
}

// cli runs a gatehouse command against the server's data directory.
func (ts *testServer) cli(t testing.TB, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	full := append([]string{"gatehouse"}, args...)
	full = append(full, "--dir", ts.Dir)
	if ts.DB != "" {
		full = append(full, "--db", ts.DB)
	}
	err := run(context.Background(), full, func(string) string { return "" }, strings.NewReader(""), &out, &errOut)
	return out.String() + errOut.String(), err
}

// logIfFailed prints the server's log when the test failed, the first
// place to look for why.
func (ts *testServer) logIfFailed(t testing.TB) {
	t.Helper()
	if t.Failed() {
		t.Logf("log of the server at %s:\n%s", ts.URL, ts.stderr.String())
	}
}
