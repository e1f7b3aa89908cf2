package httpapi

import (
	"bytes"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestChainOrder(t *testing.T) {
	t.Parallel()
	var order []string
	mark := func(name string) Middleware {
		return func(next http.Handler) http.Handler {
			return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				order = append(order, name)
				next.ServeHTTP(w, r)
			})
		}
	}
	h := Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { order = append(order, "h") }),
		mark("a"), mark("b"))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if diff := cmp.Diff([]string{"a", "b", "h"}, order); diff != "" {
		t.Errorf("order mismatch (-want +got):\n%s", diff)
	}
}

func TestRequestID(t *testing.T) {
	t.Parallel()
	generated := regexp.MustCompile(`^[0-9a-f]{24}$`)
	tests := []struct {
		name     string
		incoming string
		keep     bool
	}{
		{name: "valid", incoming: "abc-123_X.y", keep: true},
		{name: "max length", incoming: strings.Repeat("a", 64), keep: true},
		{name: "missing"},
		{name: "too long", incoming: strings.Repeat("a", 65)},
		{name: "space", incoming: "a b"},
		{name: "log injection", incoming: "a\"level=error"},
		{name: "non ascii", incoming: "é"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var seen string
			h := RequestID()(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				seen = RequestIDFrom(r.Context())
			}))
			req := httptest.NewRequest(http.MethodGet, "/", nil)
			if tt.incoming != "" {
				req.Header.Set("X-Request-Id", tt.incoming)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if got := rec.Header().Get("X-Request-Id"); got != seen {
				t.Errorf("header %q != context %q", got, seen)
			}
			if tt.keep && seen != tt.incoming {
				t.Errorf("id = %q, want incoming %q kept", seen, tt.incoming)
			}
			if !tt.keep && !generated.MatchString(seen) {
				t.Errorf("id = %q, want a generated one", seen)
			}
		})
	}
	if RequestIDFrom(t.Context()) != "" {
		t.Error("RequestIDFrom(empty context) is not empty")
	}
}

func TestRequestIDUnique(t *testing.T) {
	t.Parallel()
	a, b := newRequestID(), newRequestID()
	if a == b {
		t.Errorf("two generated ids are equal: %q", a)
	}
}

// logLines decodes the JSON log lines in buf.
func logLines(t testing.TB, buf *bytes.Buffer) []map[string]any {
	t.Helper()
	var lines []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(buf.String()), "\n") {
		if line == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(line), &m); err != nil {
			t.Fatalf("log line %q: %v", line, err)
		}
		lines = append(lines, m)
	}
	return lines
}

func TestRecover(t *testing.T) {
	t.Parallel()
	onPanic := func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = io.WriteString(w, "surface 500")
	}

	t.Run("before writing", func(t *testing.T) {
		t.Parallel()
		var buf bytes.Buffer
		h := Chain(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("kaboom") }),
			RequestID(), Recover(slog.New(slog.NewJSONHandler(&buf, nil)), onPanic))
		req := httptest.NewRequest(http.MethodGet, "/x?secret=1", nil)
		req.Header.Set("X-Request-Id", "req-1")
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code != 500 || rec.Body.String() != "surface 500" {
			t.Errorf("response = %d %q, want onPanic's 500", rec.Code, rec.Body.String())
		}
		lines := logLines(t, &buf)
		if len(lines) != 1 {
			t.Fatalf("got %d log lines, want 1", len(lines))
		}
		l := lines[0]
		if l["level"] != "ERROR" || l["request_id"] != "req-1" || l["panic"] != "kaboom" || l["path"] != "/x" {
			t.Errorf("log line = %v", l)
		}
		if stack, _ := l["stack"].(string); !strings.Contains(stack, "goroutine") {
			t.Errorf("log line has no stack: %v", l)
		}
	})

	t.Run("nil onPanic", func(t *testing.T) {
		t.Parallel()
		h := Recover(nil, nil)(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("x") }))
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
		if rec.Code != 500 || rec.Body.Len() != 0 {
			t.Errorf("response = %d %q, want bare 500", rec.Code, rec.Body.String())
		}
	})

	for _, tt := range []struct {
		name    string
		handler http.HandlerFunc
		wantLog bool
	}{
		{name: "after writing", handler: func(w http.ResponseWriter, r *http.Request) {
			_, _ = io.WriteString(w, "half")
			panic("late")
		}, wantLog: true},
		{name: "abort handler", handler: func(http.ResponseWriter, *http.Request) { panic(http.ErrAbortHandler) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			called := false
			h := Recover(slog.New(slog.NewJSONHandler(&buf, nil)), func(http.ResponseWriter, *http.Request) { called = true })(tt.handler)
			var rec any
			func() {
				defer func() { rec = recover() }()
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
			}()
			if rec != http.ErrAbortHandler {
				t.Errorf("panic = %v, want http.ErrAbortHandler", rec)
			}
			if called {
				t.Error("onPanic was called")
			}
			if got := len(logLines(t, &buf)); (got == 1) != tt.wantLog {
				t.Errorf("got %d log lines, want logged=%v", got, tt.wantLog)
			}
		})
	}
}

func TestAccessLog(t *testing.T) {
	t.Parallel()
	var buf bytes.Buffer
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusCreated)
		_, _ = io.WriteString(w, "hello")
	}), RequestID(), ClientIP(nil), AccessLog(slog.New(slog.NewJSONHandler(&buf, nil))))
	req := httptest.NewRequest(http.MethodPost, "/api/collections/users/auth-refresh?token=s3cr3t&code=abc", nil)
	req.RemoteAddr = "198.51.100.4:5555"
	req.Header.Set("X-Request-Id", "rid-7")
	h.ServeHTTP(httptest.NewRecorder(), req)

	if strings.Contains(buf.String(), "s3cr3t") || strings.Contains(buf.String(), "code=") {
		t.Errorf("access log leaks the query string: %s", buf.String())
	}
	lines := logLines(t, &buf)
	if len(lines) != 1 {
		t.Fatalf("got %d log lines, want 1", len(lines))
	}
	l := lines[0]
	if _, ok := l["duration"].(float64); !ok {
		t.Errorf("duration missing: %v", l)
	}
	delete(l, "duration")
	delete(l, "time")
	want := map[string]any{"level": "INFO", "msg": "http request", "method": "POST",
		"path": "/api/collections/users/auth-refresh", "status": float64(201), "bytes": float64(5),
		"request_id": "rid-7", "client_ip": "198.51.100.4"}
	if diff := cmp.Diff(want, l); diff != "" {
		t.Errorf("log line mismatch (-want +got):\n%s", diff)
	}
}

func TestAccessLogStatus(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		handler     http.HandlerFunc
		wantStatus  float64
		wantAborted bool
	}{
		{name: "nothing written", handler: func(http.ResponseWriter, *http.Request) {}, wantStatus: 200},
		{name: "early hints then 404", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusEarlyHints)
			w.WriteHeader(http.StatusNotFound)
		}, wantStatus: 404},
		{name: "aborted", handler: func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusAccepted)
			panic(http.ErrAbortHandler)
		}, wantStatus: 202, wantAborted: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var buf bytes.Buffer
			h := AccessLog(slog.New(slog.NewJSONHandler(&buf, nil)))(tt.handler)
			func() {
				defer func() { _ = recover() }()
				h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
			}()
			lines := logLines(t, &buf)
			if len(lines) != 1 {
				t.Fatalf("got %d log lines, want 1", len(lines))
			}
			if lines[0]["status"] != tt.wantStatus || (lines[0]["aborted"] == true) != tt.wantAborted {
				t.Errorf("log line = %v, want status %v aborted %v", lines[0], tt.wantStatus, tt.wantAborted)
			}
		})
	}
}

// TestWrappersKeepResponseController checks that Flush and the
// ResponseController features (which SSE will need) reach the real
// connection through every wrapper.
func TestWrappersKeepResponseController(t *testing.T) {
	t.Parallel()
	flushed := make(chan struct{})
	release := make(chan struct{})
	handler := Handle(func(w http.ResponseWriter, r *http.Request) error {
		rc := http.NewResponseController(w)
		if err := rc.SetWriteDeadline(time.Now().Add(time.Minute)); err != nil {
			return err
		}
		_, _ = io.WriteString(w, "first\n")
		if err := rc.Flush(); err != nil {
			return err
		}
		close(flushed)
		<-release
		_, _ = io.WriteString(w, "second\n")
		return nil
	}, func(w http.ResponseWriter, r *http.Request, err error) {
		http.Error(w, err.Error(), http.StatusTeapot)
	})
	srv := httptest.NewServer(Chain(handler, RequestID(), ClientIP(nil), AccessLog(nil), Recover(nil, nil)))
	t.Cleanup(srv.Close)
	unblock := sync.OnceFunc(func() { close(release) })
	t.Cleanup(unblock) // runs before srv.Close, so a failing test cannot hang it

	client := srv.Client()
	client.Timeout = 10 * time.Second // a broken Flush fails the test instead of hanging it
	resp, err := client.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("status = %d, want 200", resp.StatusCode)
	}
	// The first line arrives while the handler is still blocked: it was
	// flushed through the wrappers.
	line := make([]byte, len("first\n"))
	if _, err := io.ReadFull(resp.Body, line); err != nil || string(line) != "first\n" {
		t.Fatalf("first read = %q, %v", line, err)
	}
	<-flushed
	unblock()
	rest, err := io.ReadAll(resp.Body)
	if err != nil || string(rest) != "second\n" {
		t.Errorf("rest = %q, %v, want second", rest, err)
	}
}

// RequestID and ClientIP share one context value, in either order, and
// each still reports its own fact.
func TestRequestIDAndClientIPTogether(t *testing.T) {
	t.Parallel()
	var id, ip string
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ip = RequestIDFrom(r.Context()), ClientIPFrom(r.Context())
	})
	for name, h := range map[string]http.Handler{
		"id first": Chain(inner, RequestID(), ClientIP(nil)),
		"ip first": Chain(inner, ClientIP(nil), RequestID()),
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = "192.0.2.7:4242"
		req.Header.Set(RequestIDHeader, "abc-123")
		id, ip = "", ""
		h.ServeHTTP(httptest.NewRecorder(), req)
		if id != "abc-123" || ip != "192.0.2.7" {
			t.Errorf("%s: request id %q, client ip %q; want abc-123 and 192.0.2.7", name, id, ip)
		}
	}
	if got := RequestIDFrom(httptest.NewRequest(http.MethodGet, "/", nil).Context()); got != "" {
		t.Errorf("RequestIDFrom without the middleware = %q, want empty", got)
	}
}

// TestRequestInfoAcrossDeadlines: the request id and client address are
// found wherever Deadlines sits in the chain, in its context (inside it)
// or in the middlewares' own (outside it).
func TestRequestInfoAcrossDeadlines(t *testing.T) {
	t.Parallel()
	d := NewDeadlines(DeadlineOptions{Handler: time.Minute})
	var id, ip string
	inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id, ip = RequestIDFrom(r.Context()), ClientIPFrom(r.Context())
	})
	for name, h := range map[string]http.Handler{
		"inside":  d.Middleware(Chain(inner, RequestID(), ClientIP(nil))),
		"outside": Chain(d.Middleware(inner), RequestID(), ClientIP(nil)),
		"between": Chain(d.Middleware(Chain(inner, ClientIP(nil))), RequestID()),
	} {
		id, ip = "", ""
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.RemoteAddr = "192.0.2.8:1234"
		req.Header.Set(RequestIDHeader, "rid-"+name)
		h.ServeHTTP(httptest.NewRecorder(), req)
		if id != "rid-"+name || ip != "192.0.2.8" {
			t.Errorf("%s: request id %q, client ip %q", name, id, ip)
		}
	}
}
