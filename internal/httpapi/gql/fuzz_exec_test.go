package gql_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// FuzzExecute sends arbitrary documents and variables through the whole
// layer (measuring with gqlparser, executing with graphql-go): whatever
// they hold, the answer is a 200 result or a 4xx, never a 5xx or a
// panic, and no more logins run than the costly cap admits.
func FuzzExecute(f *testing.F) {
	for _, s := range []string{
		"{ hello }", "query($n: Int!) { echo(n: $n) }", `mutation { a: login(password: "x") b: login(password: "y") }`,
		"{ node { child { child { id } } } }", "{ ...F } fragment F on Query { hello }", "subscription { hello }",
		`{ __type(name: "Node") { fields { name type { ofType { name } } } } }`, "{ hello(name: $undefined) }",
		"query A { hello } query A { hello }", "{ fail boom }", `{ hello @skip(if: true) }`,
	} {
		f.Add(s, `{"n": 1}`)
	}
	s := newServer(f, gql.Limits{MaxBatch: 3})
	f.Fuzz(func(t *testing.T, query, vars string) {
		var v any
		if json.Unmarshal([]byte(vars), &v) != nil {
			v = nil
		}
		body, err := json.Marshal(map[string]any{"query": query, "variables": v})
		if err != nil {
			return
		}
		before := s.root.logins.Load()
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(string(body)))
		req.Header.Set("Content-Type", "application/json")
		rec := httptest.NewRecorder()
		s.Config.Handler.ServeHTTP(rec, req)
		if rec.Code >= 500 || (rec.Code != 200 && rec.Code < 400) {
			t.Fatalf("%q: status %d %s", query, rec.Code, rec.Body)
		}
		if ran := s.root.logins.Load() - before; ran > 3 {
			t.Fatalf("%q ran %d logins", query, ran)
		}
	})
}
