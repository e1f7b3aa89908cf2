package metrics

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// histogramSample is one histogram series' count and sum.
type histogramSample struct {
	count uint64
	sum   float64
}

// histograms gathers the histogram family name, keyed by its label
// values joined with "|" in label-name order.
func histograms(t *testing.T, m *Metrics, name string) map[string]histogramSample {
	t.Helper()
	fams, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]histogramSample{}
	for _, f := range fams {
		if f.GetName() != name {
			continue
		}
		for _, metric := range f.GetMetric() {
			var vals []string
			for _, l := range metric.GetLabel() {
				vals = append(vals, l.GetValue())
			}
			h := metric.GetHistogram()
			out[strings.Join(vals, "|")] = histogramSample{count: h.GetSampleCount(), sum: h.GetSampleSum()}
		}
	}
	return out
}

// requestCounts returns the request counts of the duration histogram,
// keyed "code|method|route".
func requestCounts(t *testing.T, m *Metrics) map[string]uint64 {
	t.Helper()
	out := map[string]uint64{}
	for k, s := range histograms(t, m, "gatehouse_http_request_duration_seconds") {
		out[k] = s.count
	}
	return out
}

func TestMiddlewareLabels(t *testing.T) {
	t.Parallel()
	m := New()
	mux := http.NewServeMux()
	// Routed explicitly, behind a middleware that copies the request (as
	// RequestID and ClientIP do), so the mux's own Pattern is not visible
	// outside.
	api := http.NewServeMux()
	api.Handle("POST /api/collections/{collection}/auth-with-password", Route(
		"POST /api/collections/{collection}/auth-with-password",
		http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusBadRequest) })))
	api.HandleFunc("GET /api/stream", func(w http.ResponseWriter, r *http.Request) {
		SetRoute(r, "GET /api/stream")
		_, _ = io.WriteString(w, "x")
		http.NewResponseController(w).Flush()
	})
	mux.Handle("/api/", copyRequest(api))
	// Routed by the mux directly inside Middleware: its Pattern is used.
	mux.HandleFunc("GET /users/{id}", func(http.ResponseWriter, *http.Request) {})
	h := m.Middleware(mux)

	for _, req := range []struct{ method, path string }{
		{"POST", "/api/collections/users/auth-with-password"},
		{"POST", "/api/collections/admins/auth-with-password"},
		{"GET", "/api/stream"},
		{"GET", "/users/123"},
		{"GET", "/users/456"},
		{"GET", "/api/nothing/here/abc123"},
		{"GET", "/no-such-page"},
		{"BREW", "/users/1"},
	} {
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(req.method, req.path, nil))
	}

	want := map[string]uint64{
		"400|POST|POST /api/collections/{collection}/auth-with-password": 2,
		"200|GET|GET /api/stream": 1,
		"200|GET|GET /users/{id}": 2,
		// The inner mux matched nothing; the outer mux's pattern remains.
		"404|GET|/api/":   1,
		"404|GET|other":   1,
		"405|OTHER|other": 1,
	}
	if diff := cmp.Diff(want, requestCounts(t, m)); diff != "" {
		t.Errorf("request series mismatch (-want +got):\n%s", diff)
	}
}

// copyRequest serves h with a copy of the request, as context-adding
// middleware does.
func copyRequest(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(r.Context()))
	})
}

func TestMiddlewarePanic(t *testing.T) {
	t.Parallel()
	m := New()
	h := m.Middleware(Route("GET /boom", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("boom") })))
	func() {
		defer func() {
			if r := recover(); r != "boom" {
				t.Errorf("recovered %v, want the handler's panic to propagate", r)
			}
		}()
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/boom", nil))
	}()
	if diff := cmp.Diff(map[string]uint64{"500|GET|GET /boom": 1}, requestCounts(t, m)); diff != "" {
		t.Errorf("request series mismatch (-want +got):\n%s", diff)
	}
}

func TestMiddlewareKeepsFlush(t *testing.T) {
	t.Parallel()
	m := New()
	var flusher bool
	h := m.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, flusher = w.(http.Flusher)
		w.WriteHeader(http.StatusEarlyHints)
		if err := http.NewResponseController(w).Flush(); err != nil {
			t.Errorf("Flush through the middleware: %v", err)
		}
	}))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/", nil))
	if !flusher {
		t.Error("wrapped writer is not an http.Flusher")
	}
	if diff := cmp.Diff(map[string]uint64{"200|GET|other": 1}, requestCounts(t, m)); diff != "" {
		t.Errorf("request series mismatch (-want +got):\n%s", diff)
	}
}

func TestSetRouteOutsideMiddleware(t *testing.T) {
	t.Parallel()
	reached := false
	h := Route("GET /x", http.HandlerFunc(func(http.ResponseWriter, *http.Request) { reached = true }))
	h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/x", nil)) // must not panic
	if !reached {
		t.Error("Route did not call its handler")
	}
}

func TestMethodLabel(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"GET": "GET", "HEAD": "HEAD", "POST": "POST", "PUT": "PUT", "PATCH": "PATCH", "DELETE": "DELETE",
		"CONNECT": "CONNECT", "OPTIONS": "OPTIONS", "TRACE": "TRACE",
		"get": "OTHER", "PROPFIND": "OTHER", "": "OTHER", strings.Repeat("X", 100): "OTHER",
	} {
		if got := methodLabel(in); got != want {
			t.Errorf("methodLabel(%q) = %q, want %q", in, got, want)
		}
	}
}
