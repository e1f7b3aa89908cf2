package httpapi

import (
	"encoding/json"
	"errors"
	"io"
	"math"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestWriteJSON(t *testing.T) {
	t.Parallel()
	type body struct {
		Data    map[string]any `json:"data"`
		Message string         `json:"message"`
		Status  int            `json:"status"`
	}
	tests := []struct {
		name       string
		status     int
		v          any
		wantStatus int
		wantBody   string
		wantErr    bool
	}{
		{name: "struct order and escaping", status: http.StatusBadRequest,
			v:          body{Data: map[string]any{"b": 1, "a": "<x>&"}, Message: "Bad <&>.", Status: 400},
			wantStatus: 400,
			wantBody:   `{"data":{"a":"\u003cx\u003e\u0026","b":1},"message":"Bad \u003c\u0026\u003e.","status":400}` + "\n"},
		{name: "empty object", status: http.StatusOK, v: map[string]any{}, wantStatus: 200, wantBody: "{}\n"},
		{name: "unencodable", status: http.StatusOK, v: map[string]any{"x": math.Inf(1)}, wantStatus: 500, wantBody: "{}\n", wantErr: true},
		{name: "unsupported type", status: http.StatusCreated, v: func() {}, wantStatus: 500, wantBody: "{}\n", wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := httptest.NewRecorder()
			err := WriteJSON(rec, tt.status, tt.v)
			if (err != nil) != tt.wantErr {
				t.Fatalf("WriteJSON() error = %v, wantErr %v", err, tt.wantErr)
			}
			if rec.Code != tt.wantStatus {
				t.Errorf("status = %d, want %d", rec.Code, tt.wantStatus)
			}
			if got := rec.Body.String(); got != tt.wantBody {
				t.Errorf("body = %q, want %q", got, tt.wantBody)
			}
			if got := rec.Header().Get("Content-Type"); got != "application/json" {
				t.Errorf("Content-Type = %q, want application/json", got)
			}
		})
	}
}

func TestWriteNoContent(t *testing.T) {
	t.Parallel()
	rec := httptest.NewRecorder()
	WriteNoContent(rec)
	if rec.Code != http.StatusNoContent || rec.Body.Len() != 0 {
		t.Errorf("WriteNoContent: status %d, body %q, want 204 and empty", rec.Code, rec.Body.String())
	}
}

func TestHandle(t *testing.T) {
	t.Parallel()
	errBoom := errors.New("boom")
	tests := []struct {
		name       string
		fn         HandlerFunc
		wantCalled bool
		wantStatus int
		wantBody   string
	}{
		{name: "success", fn: func(w http.ResponseWriter, r *http.Request) error {
			return WriteJSON(w, http.StatusCreated, map[string]int{"ok": 1})
		}, wantStatus: 201, wantBody: "{\"ok\":1}\n"},
		{name: "error before writing", fn: func(w http.ResponseWriter, r *http.Request) error {
			w.Header().Set("X-Partial", "1")
			return errBoom
		}, wantCalled: true, wantStatus: 418, wantBody: "rendered"},
		{name: "error after writing", fn: func(w http.ResponseWriter, r *http.Request) error {
			w.WriteHeader(http.StatusAccepted)
			_, _ = io.WriteString(w, "partial")
			return errBoom
		}, wantCalled: true, wantStatus: 202, wantBody: "partial"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var gotErr error
			called := false
			h := Handle(tt.fn, func(w http.ResponseWriter, r *http.Request, err error) {
				called, gotErr = true, err
				w.WriteHeader(http.StatusTeapot)
				_, _ = io.WriteString(w, "rendered")
			})
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/", nil))
			if called != tt.wantCalled {
				t.Fatalf("onError called = %v, want %v", called, tt.wantCalled)
			}
			if called && !errors.Is(gotErr, errBoom) {
				t.Errorf("onError got %v, want %v", gotErr, errBoom)
			}
			if rec.Code != tt.wantStatus || rec.Body.String() != tt.wantBody {
				t.Errorf("response = %d %q, want %d %q", rec.Code, rec.Body.String(), tt.wantStatus, tt.wantBody)
			}
		})
	}
}

func TestHandleNilRendererPanics(t *testing.T) {
	t.Parallel()
	defer func() {
		if recover() == nil {
			t.Error("Handle(fn, nil) did not panic")
		}
	}()
	Handle(func(http.ResponseWriter, *http.Request) error { return nil }, nil)
}

// WriteJSON reuses its buffers: a short answer after a long one must not
// carry any of the long one's bytes, whichever encoder wrote them.
func TestWriteJSONReusedBuffers(t *testing.T) {
	long := map[string]any{"k": strings.Repeat("x", 3000)}
	for i, v := range []any{long, map[string]any{"a": "b"}, long, []int{1}, long, map[string]any{}} {
		rec := httptest.NewRecorder()
		if err := WriteJSON(rec, http.StatusOK, v); err != nil {
			t.Fatal(err)
		}
		want, _ := json.Marshal(v)
		if got := rec.Body.String(); got != string(want)+"\n" {
			t.Errorf("answer %d = %.80q, want %.80q", i, got, string(want)+"\n")
		}
		if ct := rec.Header().Get("Content-Type"); ct != "application/json" {
			t.Errorf("answer %d: Content-Type %q", i, ct)
		}
	}
}
