package httpapi

import (
	"bytes"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// TestHideInLog: a token a handler names is left out of the access log's
// path, behind a mount's StripPrefix too, whatever the answer; without
// the middleware, naming one does nothing.
func TestHideInLog(t *testing.T) {
	t.Parallel()
	const token = "eyJhbGciOiJFZERTQSJ9.eyJ0eXBlIjoibWFnaWNMaW5rIn0.c2ln"
	for _, status := range []int{http.StatusFound, http.StatusNotFound} {
		var buf bytes.Buffer
		inner := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			HideInLog(r, r.PathValue("token"))
			w.WriteHeader(status)
		})
		mux := http.NewServeMux()
		mux.Handle("GET /hook/magic-link/{token}", inner)
		h := Chain(http.StripPrefix("/conduit", mux), RequestID(), ClientIP(nil), AccessLog(slog.New(slog.NewJSONHandler(&buf, nil))))
		h.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, "/conduit/hook/magic-link/"+token, nil))
		if strings.Contains(buf.String(), token) || !strings.Contains(buf.String(), `"path":"/conduit/hook/magic-link/[redacted]"`) {
			t.Errorf("status %d: log line %s", status, buf.String())
		}
	}
	// Without the middleware there is nothing to hide from.
	r := httptest.NewRequest(http.MethodGet, "/x", nil)
	HideInLog(r, "secret")
	if got := loggedPath(r.Context(), "/x/secret"); got != "/x/secret" {
		t.Errorf("loggedPath without info = %q", got)
	}
}
