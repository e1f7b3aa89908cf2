package main

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/server"
)

// The hot path benchmarks serve the bench's two cheap requests (an
// authenticated record read and a non-rotating auth-refresh) through
// the server's whole handler, as http.Server calls it: the deadlines,
// metrics, request id, client IP, access log (to io.Discard, formatted
// all the same), the surface's middleware and the route. No socket is
// involved, so allocs/op is the server's own cost per request plus the
// benchmark's request copy (one allocation):
//
//	go test -run '^$' -bench HotPath -benchmem ./cmd/gatehouse

// hotPathServer is a served handler with a user logged in.
type hotPathServer struct {
	handler http.Handler
	token   string
	userID  string
}

func newHotPathServer(b *testing.B) *hotPathServer {
	b.Helper()
	dir := b.TempDir()
	cfgPath := filepath.Join(dir, "gatehouse.yaml")
	if err := os.WriteFile(cfgPath, []byte(testConfig), 0o600); err != nil {
		b.Fatal(err)
	}
	env := map[string]string{"GATEHOUSE_RATE_LIMITS": "off"}
	cf := &commonFlags{configFile: cfgPath, dir: filepath.Join(dir, "data"), db: "", http: "127.0.0.1:0"}
	cfg, err := loadConfig(cf, func(k string) string { return env[k] })
	if err != nil {
		b.Fatal(err)
	}
	log := server.NewLogger(cfg, io.Discard)
	ctx := context.Background()
	a, err := server.Open(ctx, cfg, log, server.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(a.Close)
	done := make(chan struct{})
	b.Cleanup(func() { close(done) })
	root, err := a.Handler(nil, done)
	if err != nil {
		b.Fatal(err)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		b.Fatal(err)
	}
	ln.Close() // only the handler is served
	hs := newHTTPServer(cfg.HTTP, ln, root, nil, a.Metrics.NewServerCounters(), log)
	s := &hotPathServer{handler: hs.srv.Handler}

	const email, pass = "hot@example.com", "hot path password 1"
	body := `{"email":"` + email + `","password":"` + pass + `","passwordConfirm":"` + pass + `"}`
	if rec := s.call(http.MethodPost, "/api/collections/users/records", body, ""); rec.Code != 200 {
		b.Fatalf("sign-up: %d %s", rec.Code, rec.Body)
	}
	rec := s.call(http.MethodPost, "/api/collections/users/auth-with-password",
		`{"identity":"`+email+`","password":"`+pass+`"}`, "")
	var login struct {
		Token  string `json:"token"`
		Record struct {
			ID string `json:"id"`
		} `json:"record"`
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &login); err != nil || login.Token == "" {
		b.Fatalf("login: %d %s", rec.Code, rec.Body)
	}
	s.token, s.userID = login.Token, login.Record.ID
	return s
}

// call serves one request through a recorder (setup only).
func (s *hotPathServer) call(method, path, body, token string) *httptest.ResponseRecorder {
	var rd io.Reader
	if body != "" {
		rd = strings.NewReader(body)
	}
	req := httptest.NewRequest(method, path, rd)
	req.RemoteAddr = "127.0.0.1:40000"
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	if token != "" {
		req.Header.Set("Authorization", token)
	}
	rec := httptest.NewRecorder()
	s.handler.ServeHTTP(rec, req)
	return rec
}

// benchWriter is a reusable ResponseWriter that accepts the deadlines
// http.ResponseController sets, as net/http's own writer does.
type benchWriter struct {
	h      http.Header
	status int
	body   []byte
}

func (w *benchWriter) Header() http.Header { return w.h }
func (w *benchWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
}
func (w *benchWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = 200
	}
	w.body = append(w.body, p...)
	return len(p), nil
}
func (w *benchWriter) SetReadDeadline(time.Time) error  { return nil }
func (w *benchWriter) SetWriteDeadline(time.Time) error { return nil }
func (w *benchWriter) FlushError() error                { return nil }

func (w *benchWriter) reset() {
	clear(w.h)
	w.status = 0
	w.body = w.body[:0]
}

// run serves req b.N times, each on a shallow copy (handlers may replace
// the body or the context of what they get), and checks every answer.
func (s *hotPathServer) run(b *testing.B, req *http.Request, check func(w *benchWriter)) {
	w := &benchWriter{h: http.Header{}}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		w.reset()
		r := *req
		s.handler.ServeHTTP(w, &r)
		check(w)
	}
}

func (s *hotPathServer) request(method, path, token string) *http.Request {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = "127.0.0.1:40000"
	req.Header.Set("Authorization", token)
	req.Header.Set("User-Agent", "bench")
	req.Body = http.NoBody
	return req
}

// BenchmarkHotPathRead is the bench's `read`: a user reading its own
// record with its token.
func BenchmarkHotPathRead(b *testing.B) {
	s := newHotPathServer(b)
	req := s.request(http.MethodGet, "/api/collections/users/records/"+s.userID, s.token)
	s.run(b, req, func(w *benchWriter) {
		if w.status != 200 {
			b.Fatalf("read: %d %s", w.status, w.body)
		}
	})
}

// BenchmarkHotPathRefresh is the bench's `refresh`: each request sends
// the token the previous one returned.
func BenchmarkHotPathRefresh(b *testing.B) {
	s := newHotPathServer(b)
	req := s.request(http.MethodPost, "/api/collections/users/auth-refresh", s.token)
	var next struct {
		Token string `json:"token"`
	}
	s.run(b, req, func(w *benchWriter) {
		if w.status != 200 {
			b.Fatalf("refresh: %d %s", w.status, w.body)
		}
		// The answer ends with ,"token":"<jwt>"}; cut it out without a
		// decoder, whose allocations would count.
		i := strings.LastIndex(string(w.body), `"token":"`)
		if i < 0 {
			b.Fatalf("refresh: no token in %s", w.body)
		}
		tok := w.body[i+len(`"token":"`):]
		tok = tok[:strings.IndexByte(string(tok), '"')]
		next.Token = string(tok)
		req.Header["Authorization"] = []string{next.Token}
	})
}
