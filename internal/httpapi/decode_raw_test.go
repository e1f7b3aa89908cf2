package httpapi

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestReadJSON(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, ctype, body string
		want              Reason // "" for success
	}{
		{"object", "application/json", `{"a":1}`, ""},
		{"array", "application/json; charset=utf-8", `[{"a":1}]`, ""},
		{"no content type", "", `{}`, ReasonUnsupportedType},
		{"text", "text/plain", `{}`, ReasonUnsupportedType},
		{"invalid utf-8", "application/json", "{\"a\":\"\xff\"}", ReasonInvalidUTF8},
		{"too deep", "application/json", strings.Repeat("[", maxJSONDepth+1) + strings.Repeat("]", maxJSONDepth+1), ReasonMalformed},
		{"too large", "application/json", `{"a":"` + strings.Repeat("x", 120) + `"}`, ReasonTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(tc.body))
			if tc.ctype != "" {
				r.Header.Set("Content-Type", tc.ctype)
			}
			b, err := ReadJSON(r, 80)
			switch {
			case tc.want == "" && (err != nil || string(b) != tc.body):
				t.Fatalf("ReadJSON = %q, %v", b, err)
			case tc.want != "" && !errors.Is(err, tc.want):
				t.Fatalf("ReadJSON error %v, want %s", err, tc.want)
			}
		})
	}
	// No body is no error, whatever the content type: the caller decides.
	if b, err := ReadJSON(httptest.NewRequest(http.MethodPost, "/", http.NoBody), 64); b != nil || err != nil {
		t.Fatalf("empty body: %q, %v", b, err)
	}
}
