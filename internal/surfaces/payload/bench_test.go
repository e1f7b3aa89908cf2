package payload_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkMe measures GET /api/users/me in process (the surface behind
// ClientIP, no network), the answer the bench's payload-me scenario
// drives over HTTP; BenchmarkRefresh the same for refresh-token.
func BenchmarkMe(b *testing.B) {
	e := newEnv(b, nil)
	tok, _ := e.login(b, e.user(b, "ada@example.com").Email)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodGet, "/api/users/me", nil)
		req.Header.Set("Authorization", "JWT "+tok)
		rec := httptest.NewRecorder()
		e.Handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}

func BenchmarkRefresh(b *testing.B) {
	e := newEnv(b, nil)
	tok, _ := e.login(b, e.user(b, "ada@example.com").Email)
	b.ReportAllocs()
	for b.Loop() {
		req := httptest.NewRequest(http.MethodPost, "/api/users/refresh-token", nil)
		req.Header.Set("Authorization", "JWT "+tok)
		rec := httptest.NewRecorder()
		e.Handler.ServeHTTP(rec, req)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body.String())
		}
	}
}
