package gql

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// FuzzDecodeRequest: whatever the body, decoding returns operations or
// an error of the two kinds surfaces render (never a panic, never
// another error), and every operation it returns has a query.
func FuzzDecodeRequest(f *testing.F) {
	for _, s := range []string{
		`{"query":"{ a }"}`, `{"query":"{ a }","variables":{"x":[1,{"y":null}]},"operationName":"A"}`,
		`[{"query":"{ a }"},{"query":"{ b }"}]`, `[]`, `[1]`, `null`, `{"query":5}`, `{"query":"\ud800"}`,
		`{"query":"{ a }"} x`, "{\"query\":\"\xff\"}", `[[[[[[[[]]]]]]]]`, `{"variables":"x","query":"q"}`,
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, body string) {
		r := httptest.NewRequest(http.MethodPost, "/graphql", strings.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		ops, batch, err := decodeRequest(r, 1<<16, 4)
		if err != nil {
			if !knownError(err) {
				t.Fatalf("unexpected error type %T: %v", err, err)
			}
			return
		}
		if len(ops) == 0 || (!batch && len(ops) != 1) || len(ops) > 4 {
			t.Fatalf("%d operations (batch %v)", len(ops), batch)
		}
		for _, op := range ops {
			if op.err == nil && op.query == "" {
				t.Fatal("an operation without a query")
			}
			if op.err != nil && !knownError(op.err) {
				t.Fatalf("unexpected element error %T", op.err)
			}
		}
	})
}

// FuzzParse: measuring any document terminates without a panic, and a
// refusal names its rule.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"{ a }", "query A($x: Int = 1) { a(x: $x) { b c: d } }", "mutation { ...F } fragment F on M { l: login }",
		"{ ...A } fragment A on Q { ...B } fragment B on Q { ...A }", "{ a { ... on T { b } } }", "{ a(x: [[[[1]]]]) }",
	} {
		f.Add(s)
	}
	costly := map[string]bool{"mutation.login": true}
	f.Fuzz(func(t *testing.T, q string) {
		if len(q) > 1<<14 {
			return
		}
		_, errs := parse(q, "", costly)
		for _, e := range errs {
			if e.Rule == "" || e.Message == "" {
				t.Fatalf("refusal without a rule or message: %+v", e)
			}
		}
	})
}

func knownError(err error) bool {
	var de *httpapi.DecodeError
	var re *RequestError
	return errors.As(err, &de) || errors.As(err, &re)
}
