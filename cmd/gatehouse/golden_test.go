package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"unicode/utf8"
)

// Golden-file tests pin the exact wire answers of both surfaces (status,
// headers, raw body with its key order and trailing newline) so that a
// refactor of core's errors, rendering, token extraction, cookies or
// configuration cannot change them unnoticed. Each case is one request
// against a real server started by run(); its answer is normalized
// (volatile ids, tokens and times become numbered placeholders) and
// compared with testdata/golden/<surface>/<case>.golden.
//
// Run:    go test ./cmd/gatehouse -run TestGolden
// Update: go test ./cmd/gatehouse -run TestGolden -update
// (then read the diff of testdata/golden before committing it: a changed
// golden file is a changed wire answer). -update only writes files, so
// after renaming or dropping a case, delete its old file by hand.

// updateGolden rewrites the golden files instead of comparing with them.
var updateGolden = flag.Bool("update", false, "rewrite cmd/gatehouse/testdata/golden from the server's answers")

// goldenReq is one request of a golden case, sent byte for byte.
type goldenReq struct {
	Method, Path string
	// Body is sent as is; BodyNote, when set, stands for it in the golden
	// file (for a body too big to spell out).
	Body     string
	BodyNote string
	// CType is the Content-Type; empty means application/json when there
	// is a body, and noCType (hostile_test.go's "-") sends none at all.
	CType string
	// Headers are name, value pairs (Authorization, Cookie, Origin...);
	// they are written to the golden file, normalized like the answer.
	Headers []string
	// RetryAfterVaries records Retry-After as <n>: a fixed-window limit
	// answers with the time left in its window, which depends on the clock.
	RetryAfterVaries bool
}

// goldenSet is one group of cases against one server, whose files live
// in testdata/golden/<surface>.
type goldenSet struct {
	t       *testing.T
	ts      *testServer
	surface string
	// known maps literal values the scenario knows (user ids, a chosen
	// wrong code) to named placeholders, so paths and bodies read
	// <id:ada> rather than a number that depends on the order of cases.
	known map[string]string
	// rules are extra replacements for volatile text only one group has
	// (a rate limit's "retry after 7h").
	rules []goldenRule
	// seen holds the cases checked so far, to refuse a name used twice.
	seen map[string]bool
}

// goldenRule replaces every match of re with repl (regexp syntax).
type goldenRule struct {
	re   *regexp.Regexp
	repl string
}

// newGoldenSet starts a group of cases against ts, filed under surface
// ("pocketbase" or "directus").
func newGoldenSet(t *testing.T, ts *testServer, surface string) *goldenSet {
	return &goldenSet{t: t, ts: ts, surface: surface, known: map[string]string{}, seen: map[string]bool{}}
}

// goldenFiles records which group wrote each golden file in this test
// binary (and goldenSet.seen which case within a group): two cases
// writing one file would make -update depend on which ran last.
var goldenFiles sync.Map

// name makes every later occurrence of value read as placeholder.
func (g *goldenSet) name(value, placeholder string) {
	g.t.Helper()
	if value == "" {
		g.t.Fatalf("golden: empty value for %s", placeholder)
	}
	g.known[value] = placeholder
}

// rule adds a replacement applied to this group's golden text.
func (g *goldenSet) rule(expr, repl string) {
	g.rules = append(g.rules, goldenRule{regexp.MustCompile(expr), repl})
}

// caseName is what a case may be called: it is a file name.
var caseName = regexp.MustCompile(`^[a-z0-9][a-z0-9._-]*$`)

// check sends req, renders the exchange as golden text and compares it
// with (or, with -update, writes it to) the case's file. It returns the
// raw answer so the scenario can carry on with its tokens.
func (g *goldenSet) check(name string, req goldenReq) response {
	g.t.Helper()
	if !caseName.MatchString(name) {
		g.t.Fatalf("golden case name %q is not a plain file name", name)
	}
	path := filepath.Join("testdata", "golden", g.surface, name+".golden")
	if prev, dup := goldenFiles.LoadOrStore(path, g.t.Name()); dup && prev != g.t.Name() || g.seen[name] {
		g.t.Fatalf("golden file %s is written by two cases (in %s and %s)", path, prev, g.t.Name())
	}
	g.seen[name] = true
	res := g.send(req)
	got := g.render(req, res)
	if *updateGolden {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			g.t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			g.t.Fatal(err)
		}
		return res
	}
	want, err := os.ReadFile(path)
	if err != nil {
		g.t.Errorf("golden %s: %v (run go test ./cmd/gatehouse -run TestGolden -update to create it)", path, err)
		return res
	}
	if string(want) != got {
		g.t.Errorf("golden %s differs from the answer (- golden, + got):\n%s", path, lineDiff(string(want), got))
	}
	return res
}

// send performs req without following redirects, so a Location is
// recorded rather than followed.
func (g *goldenSet) send(req goldenReq) response {
	g.t.Helper()
	var body io.Reader
	if req.Body != "" {
		body = strings.NewReader(req.Body)
	}
	hr, err := http.NewRequest(req.Method, g.ts.URL+req.Path, body)
	if err != nil {
		g.t.Fatal(err)
	}
	switch {
	case req.CType == noCType:
	case req.CType != "":
		hr.Header.Set("Content-Type", req.CType)
	case body != nil:
		hr.Header.Set("Content-Type", "application/json")
	}
	for i := 0; i+1 < len(req.Headers); i += 2 {
		hr.Header.Set(req.Headers[i], req.Headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(hr)
	if err != nil {
		g.t.Fatalf("%s %s: %v", req.Method, req.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		g.t.Fatal(err)
	}
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out.JSON) // arrays and bad JSON stay nil: the golden text pins them
	}
	return out
}

// unpinnedHeaders change on every request whatever the server does.
var unpinnedHeaders = map[string]bool{"Date": true, "X-Request-Id": true, "Content-Length": true}

// render writes the exchange as golden text: the request (method, path,
// the headers the case set, body), then the status, every response
// header but the unpinned ones (sorted, Set-Cookie values hidden) and
// the body exactly as sent; then it normalizes the whole.
func (g *goldenSet) render(req goldenReq, res response) string {
	var b strings.Builder
	b.WriteString("=== request\n")
	b.WriteString(req.Method + " " + req.Path + "\n")
	switch {
	case req.CType == noCType:
	case req.CType != "":
		b.WriteString("Content-Type: " + req.CType + "\n")
	case req.Body != "":
		b.WriteString("Content-Type: application/json\n")
	}
	for i := 0; i+1 < len(req.Headers); i += 2 {
		b.WriteString(req.Headers[i] + ": " + req.Headers[i+1] + "\n")
	}
	switch {
	case req.BodyNote != "":
		b.WriteString("\n" + req.BodyNote + "\n")
	case req.Body != "":
		b.WriteString("\n" + printable(req.Body) + "\n")
	}
	b.WriteString("\n=== response\n")
	b.WriteString("HTTP " + strconv.Itoa(res.Status) + "\n")
	names := make([]string, 0, len(res.Header))
	for k := range res.Header {
		if !unpinnedHeaders[k] {
			names = append(names, k)
		}
	}
	sort.Strings(names)
	for _, k := range names {
		for _, v := range res.Header[k] {
			switch k {
			case "Set-Cookie":
				v = hideCookieValue(v)
			case "Retry-After":
				if req.RetryAfterVaries {
					v = "<n>"
				}
			}
			b.WriteString(k + ": " + v + "\n")
		}
	}
	b.WriteString("\n")
	switch {
	case res.Raw == "":
		b.WriteString("(empty body)\n")
	case !isPrintable(res.Raw):
		b.WriteString("(not printable) " + strconv.Quote(res.Raw) + "\n")
	case strings.HasSuffix(res.Raw, "\n"):
		b.WriteString(res.Raw)
	default:
		b.WriteString(res.Raw + "\n(no final newline)\n")
	}
	return g.normalize(b.String())
}

// printable returns s, or its Go quoting when s would not read as text
// (invalid UTF-8, control characters).
func printable(s string) string {
	if isPrintable(s) {
		return s
	}
	return "(quoted) " + strconv.Quote(s)
}

// isPrintable reports whether s is valid UTF-8 with no control
// characters but newlines and tabs.
func isPrintable(s string) bool {
	if !utf8.ValidString(s) {
		return false
	}
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' || r == 0x7f {
			return false
		}
	}
	return true
}

// hideCookieValue keeps a Set-Cookie's name and attributes and replaces
// its value (<value>, or <empty> for a deletion) and any Expires date
// but the epoch a deletion uses.
func hideCookieValue(v string) string {
	parts := strings.Split(v, ";")
	name, value, _ := strings.Cut(parts[0], "=")
	if value == "" {
		parts[0] = name + "=<empty>"
	} else {
		parts[0] = name + "=<value>"
	}
	for i, p := range parts[1:] {
		if a, ok := strings.CutPrefix(strings.TrimSpace(p), "Expires="); ok && !strings.Contains(a, "1970") {
			parts[i+1] = " Expires=<datetime>"
		}
	}
	return strings.Join(parts, ";")
}

// jsonStr quotes s as a JSON string, for building request bodies.
func jsonStr(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s)
	return strings.TrimSuffix(b.String(), "\n")
}
