package httpapi

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	in := map[string]string{"X-Content-Type-Options": "nosniff", "X-Frame-Options": "SAMEORIGIN"}
	mw := SecurityHeaders(in)
	in["X-Frame-Options"] = "DENY" // must not affect the middleware already built
	h := mw(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
	}))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
	if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("X-Content-Type-Options = %q", got)
	}
	if got := rec.Header().Get("X-Frame-Options"); got != "SAMEORIGIN" {
		t.Errorf("X-Frame-Options = %q, want SAMEORIGIN", got)
	}
}

func TestLimitBody(t *testing.T) {
	t.Parallel()
	var gotErr error
	h := Chain(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, gotErr = DecodeFields(r, DecodeOptions{})
	}), LimitBody(9))
	for _, tt := range []struct {
		body       string
		wantReason Reason
	}{
		{body: `{"a":"b"}`},
		{body: `{"a":"bc"}`, wantReason: ReasonTooLarge},
	} {
		h.ServeHTTP(httptest.NewRecorder(), newRequest("application/json", tt.body))
		if tt.wantReason == "" {
			if gotErr != nil {
				t.Errorf("body %q: error %v", tt.body, gotErr)
			}
			continue
		}
		wantDecodeError(t, gotErr, tt.wantReason, "")
	}
}

func TestCORS(t *testing.T) {
	t.Parallel()
	listed := CORSOptions{AllowedOrigins: []string{"https://app.example"}, AllowMethods: "GET,POST", MaxAge: 600}
	anyOrigin := CORSOptions{AllowedOrigins: []string{"*"}}
	tests := []struct {
		name        string
		opts        CORSOptions
		method      string
		headers     map[string]string
		wantStatus  int
		wantReached bool
		want        http.Header
	}{
		{name: "no origin", opts: anyOrigin, method: "GET", wantStatus: 200, wantReached: true,
			want: http.Header{"Vary": {"Origin"}}},
		{name: "any origin", opts: anyOrigin, method: "GET", headers: map[string]string{"Origin": "https://x.example"},
			wantStatus: 200, wantReached: true,
			want: http.Header{"Vary": {"Origin"}, "Access-Control-Allow-Origin": {"*"}}},
		{name: "listed origin echoed", opts: listed, method: "POST", headers: map[string]string{"Origin": "https://APP.example"},
			wantStatus: 200, wantReached: true,
			want: http.Header{"Vary": {"Origin"}, "Access-Control-Allow-Origin": {"https://APP.example"}}},
		{name: "unlisted origin", opts: listed, method: "POST", headers: map[string]string{"Origin": "https://evil.example"},
			wantStatus: 200, wantReached: true, want: http.Header{"Vary": {"Origin"}}},
		{name: "preflight", opts: anyOrigin, method: "OPTIONS", headers: map[string]string{
			"Origin": "https://x.example", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "content-type, authorization"},
			wantStatus: 204,
			want: http.Header{
				"Vary":                         {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"},
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET,HEAD,PUT,PATCH,POST,DELETE"},
				"Access-Control-Allow-Headers": {"content-type, authorization"},
			}},
		{name: "preflight listed with max age", opts: listed, method: "OPTIONS", headers: map[string]string{
			"Origin": "https://app.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 204,
			want: http.Header{
				"Vary":                         {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"},
				"Access-Control-Allow-Origin":  {"https://app.example"},
				"Access-Control-Allow-Methods": {"GET,POST"},
				"Access-Control-Max-Age":       {"600"},
			}},
		{name: "preflight hostile headers not echoed", opts: anyOrigin, method: "OPTIONS", headers: map[string]string{
			"Origin": "https://x.example", "Access-Control-Request-Method": "POST",
			"Access-Control-Request-Headers": "x-a, <script>"},
			wantStatus: 204,
			want: http.Header{
				"Vary":                         {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"},
				"Access-Control-Allow-Origin":  {"*"},
				"Access-Control-Allow-Methods": {"GET,HEAD,PUT,PATCH,POST,DELETE"},
			}},
		{name: "preflight unlisted origin", opts: listed, method: "OPTIONS", headers: map[string]string{
			"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"},
			wantStatus: 204,
			want:       http.Header{"Vary": {"Origin", "Access-Control-Request-Method", "Access-Control-Request-Headers"}}},
		{name: "plain options reaches handler", opts: anyOrigin, method: "OPTIONS", headers: map[string]string{"Origin": "https://x.example"},
			wantStatus: 200, wantReached: true,
			want: http.Header{"Vary": {"Origin"}, "Access-Control-Allow-Origin": {"*"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reached := false
			h := CORS(tt.opts)(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { reached = true }))
			req := httptest.NewRequest(tt.method, "/api/x", nil)
			for k, v := range tt.headers {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != tt.wantStatus || reached != tt.wantReached {
				t.Errorf("status %d reached %v, want %d %v", rec.Code, reached, tt.wantStatus, tt.wantReached)
			}
			if diff := cmp.Diff(tt.want, rec.Header()); diff != "" {
				t.Errorf("headers mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func TestHeaderList(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"content-type", "a, b,c", "x-pb-token", "X_A!#$%&'*+-.^`|~"} {
		if !headerList(s) {
			t.Errorf("headerList(%q) = false, want true", s)
		}
	}
	for _, s := range []string{"a\r\nb", "a;b", "a:b", "<x>", "é", "a\tb", strings.Repeat("\x00", 2)} {
		if headerList(s) {
			t.Errorf("headerList(%q) = true, want false", s)
		}
	}
}

// The header values SecurityHeaders shares between responses must not
// carry one response's changes into the next.
func TestSecurityHeadersSharedValues(t *testing.T) {
	t.Parallel()
	h := SecurityHeaders(map[string]string{"x-frame-options": "SAMEORIGIN"})(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/add" {
			w.Header().Add("X-Frame-Options", "DENY")
		}
	}))
	for _, path := range []string{"/add", "/add", "/plain"} {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, path, nil))
		want := []string{"SAMEORIGIN"}
		if path == "/add" {
			want = append(want, "DENY")
		}
		if diff := cmp.Diff(want, rec.Header().Values("X-Frame-Options")); diff != "" {
			t.Errorf("%s: X-Frame-Options (-want +got):\n%s", path, diff)
		}
	}
}
