package httpapi

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestJWKS(t *testing.T) {
	calls := 0
	h := JWKS(func() []byte { calls++; return []byte(`{"keys":[]}`) })
	for range 2 {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/.well-known/jwks.json", nil))
		if rec.Code != 200 || rec.Body.String() != `{"keys":[]}` || rec.Header().Get("Content-Type") != "application/json" {
			t.Fatalf("JWKS = %d %q %q", rec.Code, rec.Body.String(), rec.Header().Get("Content-Type"))
		}
	}
	if calls != 2 {
		t.Errorf("doc called %d times for 2 requests, want 2 (keys may rotate)", calls)
	}
}
