package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// ownErr is a test surface's own wire error.
type ownErr struct{}

func (ownErr) Error() string { return "own" }

// testMapper answers each class of error with a distinct status, so the
// tests see which path the renderer took.
type testMapper struct{}

func (testMapper) Own(_ *http.Request, err error) (httpapi.Answer, bool) {
	if errors.As(err, new(ownErr)) {
		return httpapi.Answer{Status: 418, Body: map[string]any{"own": true}, RetryAfter: 1500 * time.Millisecond}, true
	}
	return httpapi.Answer{}, false
}

func (testMapper) Decode(_ *http.Request, de *httpapi.DecodeError) httpapi.Answer {
	return httpapi.Answer{Status: 400, Body: map[string]any{"decode": string(de.Reason)}}
}

func (testMapper) Core(_ *http.Request, e *core.Error) httpapi.Answer {
	return httpapi.Answer{Status: 409, Body: map[string]any{"code": e.Code}}
}

func (testMapper) Internal() httpapi.Answer {
	return httpapi.Answer{Status: 500, Body: map[string]any{"message": "oops"}}
}

func TestRendererPaths(t *testing.T) {
	secret := errors.New("disk sector 7 of /var/lib/secret failed")
	for _, tc := range []struct {
		name       string
		err        error
		status     int
		body       string
		retryAfter string
		logged     bool
	}{
		{"own", ownErr{}, 418, `{"own":true}`, "2", false},
		{"decode", &httpapi.DecodeError{Reason: httpapi.ReasonMalformed}, 400, `{"decode":"malformed"}`, "", false},
		{"core", core.NewError(core.KindInvalid, core.CodeInvalidSort), 409, `{"code":"invalid_sort"}`, "", false},
		{"core with retry", &core.Error{Kind: core.KindRateLimited, Code: core.CodeRateLimited, RetryAfter: 2100 * time.Millisecond}, 409, `{"code":"rate_limited"}`, "3", false},
		{"core under a second", &core.Error{Kind: core.KindUnavailable, Code: core.CodeHashingBusy, RetryAfter: time.Millisecond}, 409, `{"code":"hashing_busy"}`, "1", false},
		{"core internal", core.Internal(secret), 500, `{"message":"oops"}`, "", true},
		{"plain error", secret, 500, `{"message":"oops"}`, "", true},
		{"store down", core.Internal(core.ErrUnavailable), 409, `{"code":"store_unavailable"}`, "5", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			rd := httpapi.Renderer{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Map: testMapper{}}
			h := httpapi.Chain(httpapi.Handle(func(w http.ResponseWriter, r *http.Request) error { return tc.err }, rd.Render), httpapi.RequestID())
			w := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/", nil)
			r.Header.Set("X-Request-Id", "req-12345678")
			h.ServeHTTP(w, r)
			if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.body {
				t.Errorf("answer = %d %s, want %d %s", w.Code, w.Body, tc.status, tc.body)
			}
			if got := w.Header().Get("Retry-After"); got != tc.retryAfter {
				t.Errorf("Retry-After = %q, want %q", got, tc.retryAfter)
			}
			if strings.Contains(w.Body.String(), "sector") {
				t.Error("the cause reached the client")
			}
			gotLog := strings.Contains(logs.String(), "sector 7")
			if gotLog != tc.logged {
				t.Errorf("cause logged = %v, want %v (log %s)", gotLog, tc.logged, logs.String())
			}
			if tc.logged && !strings.Contains(logs.String(), "req-12345678") {
				t.Errorf("the 500's log line has no request id: %s", logs.String())
			}
		})
	}
}

// TestRendererTimedOut: a request that ran out of its context's
// deadline and then failed unexpectedly gets the surface's unavailable
// answer with Retry-After, and its cause is logged as a warning; the
// same failure with time left is still the 500.
func TestRendererTimedOut(t *testing.T) {
	cause := fmt.Errorf("sqlite: user by email: %w", context.DeadlineExceeded)
	for _, tc := range []struct {
		name       string
		timedOut   bool
		err        error
		status     int
		body       string
		retryAfter string
	}{
		{"internal after the deadline", true, core.Internal(cause), 409, `{"code":"request_timeout"}`, "5"},
		{"other words after the deadline", true, errors.New("interrupted"), 409, `{"code":"request_timeout"}`, "5"},
		{"core error after the deadline", true, core.NewError(core.KindInvalid, core.CodeInvalidSort), 409, `{"code":"invalid_sort"}`, ""},
		{"internal with time left", false, core.Internal(cause), 500, `{"message":"oops"}`, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var logs bytes.Buffer
			rd := httpapi.Renderer{Log: slog.New(slog.NewJSONHandler(&logs, nil)), Map: testMapper{}}
			ctx, cancel := context.WithCancel(context.Background())
			if tc.timedOut {
				ctx, cancel = context.WithDeadline(context.Background(), time.Now().Add(-time.Second))
			}
			defer cancel()
			w := httptest.NewRecorder()
			rd.Render(w, httptest.NewRequest("GET", "/", nil).WithContext(ctx), tc.err)
			if w.Code != tc.status || strings.TrimSpace(w.Body.String()) != tc.body || w.Header().Get("Retry-After") != tc.retryAfter {
				t.Errorf("answer = %d %s Retry-After %q, want %d %s %q", w.Code, w.Body, w.Header().Get("Retry-After"), tc.status, tc.body, tc.retryAfter)
			}
			if tc.status == 409 && tc.retryAfter != "" && !strings.Contains(logs.String(), `"level":"WARN"`) {
				t.Errorf("the timed-out request's cause was not logged as a warning: %s", logs.String())
			}
		})
	}
}

func TestFill(t *testing.T) {
	got := httpapi.Fill("between {min} and {max}, not {other}", map[string]any{"min": 8, "max": 71})
	if got != "between 8 and 71, not {other}" {
		t.Errorf("Fill = %q", got)
	}
	if got := httpapi.Fill("no {params}", nil); got != "no {params}" {
		t.Errorf("Fill without params = %q", got)
	}
}
