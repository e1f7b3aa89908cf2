package gql_test

import (
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

func TestQueryAndMutation(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{})

	b := decode(t, s.query(t, `query($n: String) { hello(name: $n) }`, map[string]any{"n": "ada"}))
	if b.Data["hello"] != "hello ada" || len(b.Errors) != 0 {
		t.Fatalf("query: %+v", b)
	}

	r := s.query(t, `mutation { login(password: "x") }`, nil)
	if b := decode(t, r); r.status != 200 || b.Data["login"] != "ok" {
		t.Fatalf("mutation: %d %s", r.status, r.body)
	}
	if c := r.header.Get("Set-Cookie"); !strings.HasPrefix(c, "session=s") {
		t.Fatalf("the resolver's cookie did not reach the response: %q", c)
	}

	// operationName picks one of several operations.
	b = decode(t, s.post(t, `{"query":"query A { hello } query B { plain: hello(name: \"b\") }","operationName":"B"}`, ""))
	if b.Data["plain"] != "hello b" {
		t.Fatalf("operationName: %+v", b)
	}
}

func TestGET(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{})
	r := s.get(t, "query="+url.QueryEscape(`query($n: Int!) { echo(n: $n) }`)+"&variables="+url.QueryEscape(`{"n":7}`))
	if b := decode(t, r); r.status != 200 || b.Data["echo"] != float64(7) {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}
	// A mutation over GET would dodge the CSRF checks of unsafe methods.
	wantRefused(t, s.get(t, "query="+url.QueryEscape(`mutation { login(password: "x") }`)), 405, "code", "mutation_over_get")
	// A mutation named among several operations too.
	wantRefused(t, s.get(t, "query="+url.QueryEscape(`query A { hello } mutation B { plain }`)+"&operationName=B"), 405, "code", "mutation_over_get")
	if s.root.logins.Load() != 0 {
		t.Fatal("a GET ran a mutation")
	}
	wantRefused(t, s.get(t, "query="+url.QueryEscape(`{ hello }`)+"&variables=%7Bnot-json"), 400, "code", "variables")
	wantRefused(t, s.get(t, "query=%ff%fe"), 400, "code", "invalid_utf8")
	wantRefused(t, s.get(t, ""), 400, "code", "no_query")
}

// TestIntrospection: the standard introspection query (15 levels deep)
// passes the default limits, as GraphiQL and codegen tools need.
func TestIntrospection(t *testing.T) {
	t.Parallel()
	q, err := os.ReadFile("testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	s := newServer(t, gql.Limits{})
	r := s.query(t, string(q), nil)
	b := decode(t, r)
	if r.status != 200 || len(b.Errors) != 0 {
		t.Fatalf("introspection: %d %.300s", r.status, r.body)
	}
	schema, _ := b.Data["__schema"].(map[string]any)
	if qt, _ := schema["queryType"].(map[string]any); qt["name"] != "Query" {
		t.Fatalf("introspection data: %.300s", r.body)
	}
	if !strings.Contains(r.body, `"name":"login"`) {
		t.Fatal("introspection does not list the mutation")
	}
	// One level less of depth refuses it: the default is not far above
	// what the query needs by accident only.
	wantRefused(t, newServer(t, gql.Limits{MaxDepth: 14}).query(t, string(q), nil), 400, "rule", gql.RuleDepth)
}

func TestLimits(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{MaxDepth: 5, MaxAliases: 3, MaxFields: 20, MaxQueryBytes: 4096})
	deep := "{ node " + strings.Repeat("{ child ", 5) + "{ id }" + strings.Repeat(" }", 5) + " }"
	for _, tc := range []struct {
		name, query, rule string
	}{
		{"depth", deep, gql.RuleDepth},
		{"depth through fragments", `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { child { child { child { child { id } } } } }`, gql.RuleDepth},
		{"aliases", `{ a: hello b: hello c: hello d: hello }`, gql.RuleAliases},
		{"fields", "{ " + strings.Repeat("hello ", 21) + "}", gql.RuleFields},
		// Each fragment spreads the next twice: 2^30 fields once
		// expanded, measured in a blink.
		{"exponential fragments", expFragments(30), gql.RuleFields},
		{"length", "{ hello(name: \"" + strings.Repeat("x", 5000) + "\") }", gql.RuleLength},
		{"syntax", `{ hello(`, gql.RuleSyntax},
		{"fragment cycle", `{ node { ...A } } fragment A on Node { child { ...B } } fragment B on Node { ...A }`, gql.RuleValidation},
		{"unknown field", `{ nope }`, gql.RuleValidation},
		{"wrong variable type", `query($n: Int!) { echo(n: $n) }`, gql.RuleValidation},
		{"missing variable", `query($n: Int!) { echo(n: $n) }`, gql.RuleValidation},
		{"subscription", `subscription { hello }`, gql.RuleValidation},
	} {
		t.Run(tc.name, func(t *testing.T) {
			vars := map[string]any(nil)
			if tc.name == "wrong variable type" {
				vars = map[string]any{"n": "seven"}
			}
			start := time.Now()
			wantRefused(t, s.query(t, tc.query, vars), 400, "rule", tc.rule)
			if d := time.Since(start); d > 2*time.Second {
				t.Fatalf("refusing took %v", d)
			}
		})
	}
}

// expFragments is a query whose fragments double the fields at each of
// n levels.
func expFragments(n int) string {
	var b strings.Builder
	b.WriteString("{ ...F0 }\n")
	for i := range n {
		b.WriteString("fragment F" + itoa(i) + " on Query { ...F" + itoa(i+1) + " ...F" + itoa(i+1) + " }\n")
	}
	b.WriteString("fragment F" + itoa(n) + " on Query { hello }\n")
	return b.String()
}

func itoa(n int) string {
	if n < 10 {
		return string(rune('0' + n))
	}
	return itoa(n/10) + string(rune('0'+n%10))
}

// TestCostly: thousands of aliases of a login in one request run no
// login at all; neither do fragments or batches that add up past the
// cap. Up to the cap, they run.
func TestCostly(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{MaxAliases: 5000, MaxFields: 5000, MaxBatch: 10})
	var many strings.Builder
	many.WriteString("mutation {")
	for i := range 2000 {
		many.WriteString(" a" + itoa(i) + `:login(password:"")`)
	}
	many.WriteString(" }")
	wantRefused(t, s.query(t, many.String(), nil), 400, "rule", gql.RuleCostly)

	frag := `mutation { ...L ...L } fragment L on Mutation { a: login(password: "1") b: login(password: "2") }`
	wantRefused(t, s.query(t, frag, nil), 400, "rule", gql.RuleCostly)

	one := `{"query":"mutation { login(password: \"x\") }"}`
	r := s.post(t, "["+strings.Repeat(one+",", 3)+one+"]", "")
	if r.status != 200 || strings.Count(r.body, `"rule":"costly"`) != 4 {
		t.Fatalf("batch over the cap: %d %s", r.status, r.body)
	}
	if n := s.root.logins.Load(); n != 0 {
		t.Fatalf("%d logins ran in refused requests", n)
	}

	// The cap itself is allowed, and a costly field below the root (a
	// query's field named like a mutation) is not costly.
	r = s.query(t, `mutation { a: login(password: "1") b: login(password: "2") c: login(password: "3") }`, nil)
	if r.status != 200 || s.root.logins.Load() != 3 {
		t.Fatalf("three logins: %d %s (ran %d)", r.status, r.body, s.root.logins.Load())
	}
}

func TestBatch(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{MaxBatch: 3})
	r := s.post(t, `[{"query":"{ hello }"},{"query":"mutation { plain }"},{"query":"{ nope }"}]`, "")
	if r.status != 200 {
		t.Fatalf("batch: %d %s", r.status, r.body)
	}
	want := `[{"data":{"hello":"hello"}},{"data":{"plain":"plain"}},{"errors":[`
	if !strings.HasPrefix(r.body, want) {
		t.Fatalf("batch body %s, want prefix %s", r.body, want)
	}
	// An element that is not a request is that element's error only.
	r = s.post(t, `[{"query":"{ hello }"},5,{"query":7}]`, "")
	if r.status != 200 || !strings.Contains(r.body, `"rule":"request"`) || !strings.HasPrefix(r.body, `[{"data":{"hello":"hello"}}`) {
		t.Fatalf("batch with bad elements: %d %s", r.status, r.body)
	}
	wantRefused(t, s.post(t, `[`+strings.Repeat(`{"query":"{ hello }"},`, 3)+`{"query":"{ hello }"}]`, ""), 400, "code", "batch")
	wantRefused(t, s.post(t, `[]`, ""), 400, "code", "batch")
	// A surface without batches refuses them.
	wantRefused(t, newServer(t, gql.Limits{}).post(t, `[{"query":"{ hello }"}]`, ""), 400, "code", "batch")
}

// TestHostileRequests: every malformed request is a 4xx with a code,
// never a 5xx (read fails the test on one).
func TestHostileRequests(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{})
	long := strings.Repeat("é", 10000)
	for _, tc := range []struct {
		name, body, ctype string
		status            int
		code              string
	}{
		{"truncated", `{"query":`, "", 400, "malformed"},
		{"not an object", `"{ hello }"`, "", 400, "malformed"},
		{"null", `null`, "", 400, "malformed"},
		{"trailing data", `{"query":"{ hello }"} {}`, "", 400, "malformed"},
		{"query not a string", `{"query":5}`, "", 400, "wrong_type"},
		{"variables not an object", `{"query":"{ hello }","variables":[1]}`, "", 400, "wrong_type"},
		{"operationName not a string", `{"query":"{ hello }","operationName":{}}`, "", 400, "wrong_type"},
		{"no query", `{"variables":{}}`, "", 400, "no_query"},
		{"empty query", `{"query":""}`, "", 400, "no_query"},
		{"empty body", ``, "", 400, "no_query"},
		{"invalid utf-8", "{\"query\":\"{ hello(name: \\\"\xff\\\") }\"}", "", 400, "invalid_utf8"},
		{"deep json", `{"query":"{ hello }","variables":` + strings.Repeat(`{"a":`, 100) + `1` + strings.Repeat(`}`, 100) + `}`, "", 400, "malformed"},
		{"too large", `{"query":"` + strings.Repeat(" ", 2<<20) + `{ hello }"}`, "", 413, "too_large"},
		{"text/plain", `{"query":"{ hello }"}`, "text/plain", 415, "unsupported_type"},
		{"graphql media type", `{ hello }`, "application/graphql", 415, "unsupported_type"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantRefused(t, s.post(t, tc.body, tc.ctype), tc.status, "code", tc.code)
		})
	}

	// 10k-character strings in variables and inline are only data.
	b := decode(t, s.query(t, `query($n: String) { hello(name: $n) }`, map[string]any{"n": long}))
	if b.Data["hello"] != "hello "+long {
		t.Fatal("a 10k-character variable did not come back")
	}
	r := s.query(t, `{ hello(name: "`+strings.Repeat("x", 10000)+`") }`, nil)
	if r.status != 200 {
		t.Fatalf("10k-character literal: %d", r.status)
	}
	// Integers out of range are validation errors, not panics.
	wantRefused(t, s.query(t, `query($n: Int!) { echo(n: $n) }`, map[string]any{"n": 1e40}), 400, "rule", gql.RuleValidation)
}

// TestResolverErrors: a resolver's error is worded by the mapper, and a
// panic becomes the mapper's internal error with a 200 result.
func TestResolverErrors(t *testing.T) {
	t.Parallel()
	s := newServer(t, gql.Limits{})
	r := s.query(t, `{ fail boom hello }`, nil)
	b := decode(t, r)
	if r.status != 200 || b.Data["hello"] != "hello" || len(b.Errors) != 2 {
		t.Fatalf("resolver errors: %d %s", r.status, r.body)
	}
	msgs := b.Errors[0].Message + "|" + b.Errors[1].Message
	if !strings.Contains(msgs, "it failed") || !strings.Contains(msgs, "internal") || strings.Contains(r.body, "kaboom") {
		t.Fatalf("resolver errors: %s", r.body)
	}
}

func TestNewRefusesUnknownCostly(t *testing.T) {
	t.Parallel()
	for _, c := range []string{"mutation.nope", "login", "query.login", "subscription.login"} {
		if _, err := gql.New(gql.Config{Schema: testSchema, Resolver: &root{}, Costly: []string{c}, Errors: mapper{}}); err == nil {
			t.Errorf("costly %q accepted", c)
		}
	}
	if _, err := gql.New(gql.Config{Schema: testSchema, Resolver: &root{}}); err == nil {
		t.Error("a config without a mapper accepted")
	}
}
