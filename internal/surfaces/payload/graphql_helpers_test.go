package payload_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// gqlPath is Payload's GraphQL endpoint under the default API prefix.
const gqlPath = "/api/graphql"

// gqlResult is a GraphQL answer's body.
type gqlResult struct {
	Data   map[string]any `json:"data"`
	Errors []gqlError     `json:"errors"`
}

// gqlError is one entry of its errors.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path"`
	Extensions map[string]any `json:"extensions"`
}

// gqlBody is a GraphQL request body for query and variables.
func gqlBody(query string, vars map[string]any) string {
	b, _ := json.Marshal(map[string]any{"query": query, "variables": vars})
	return string(b)
}

// gqlDo posts a query (auth as the Authorization header) and decodes the
// answer, which must be a 200.
func (e *env) gqlDo(t testing.TB, auth, query string, vars map[string]any) (gqlResult, response) {
	t.Helper()
	r := e.do(t, request{method: http.MethodPost, path: gqlPath, body: gqlBody(query, vars), auth: auth})
	wantStatus(t, r, http.StatusOK)
	var out gqlResult
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatalf("body %q: %v", r.body, err)
	}
	return out, r
}

// wantGQLError asserts one error with this message and Payload's
// extensions {name, statusCode}.
func wantGQLError(t testing.TB, res gqlResult, message, name string, status int) {
	t.Helper()
	if len(res.Errors) != 1 {
		t.Fatalf("errors = %+v, want one", res.Errors)
	}
	e := res.Errors[0]
	if e.Message != message || e.Extensions["name"] != name || e.Extensions["statusCode"] != float64(status) {
		t.Fatalf("error = %+v, want %q %s %d", e, message, name, status)
	}
}

// field walks data along keys.
func field(t testing.TB, data any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := data.(map[string]any)
		if !ok {
			t.Fatalf("no %q in %v", k, data)
		}
		data = m[k]
	}
	return data
}
