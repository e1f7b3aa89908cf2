package payload_test

import (
	"encoding/json"
	"net/http"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// gqlRaw posts body to the endpoint as is (JSON unless ctype says).
func (e *env) gqlRaw(t testing.TB, body, ctype string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodPost, path: gqlPath, body: body, ctype: ctype})
}

// TestGraphQLIntrospection: the standard introspection query (GraphiQL,
// codegen) passes the default limits and shows Payload's names.
func TestGraphQLIntrospection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	intro, err := os.ReadFile("../../httpapi/gql/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	res, r := e.gqlDo(t, "", string(intro), nil)
	if len(res.Errors) > 0 || res.Data["__schema"] == nil {
		t.Fatalf("introspection: %.300s", r.body)
	}
	for _, name := range []string{"meUser", "initializedUser", "Access", "loginUser", "logoutUser", "refreshTokenUser",
		"forgotPasswordUser", "resetPasswordUser", "verifyEmailUser", "unlockUser", `"User"`, "usersMe", "usersLoginResult", "usersJWT"} {
		if !strings.Contains(r.body, name) {
			t.Errorf("introspection lacks %s", name)
		}
	}
}

// TestGraphQLAliasedLogins: a thousand aliases of loginUser with wrong
// passwords check no password at all: the request is refused before any
// resolver runs, so an account that locks after two failures stays
// unlocked. Over the costly cap alone (4 logins, under the alias cap)
// it is refused as well.
func TestGraphQLAliasedLogins(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.MaxLoginAttempts = 2 })
	e.user(t, "ada@example.com")
	for _, n := range []int{1000, 4} {
		var q strings.Builder
		q.WriteString("mutation {")
		for i := range n {
			q.WriteString(" a" + strconv.Itoa(i) + `: loginUser(email: "ada@example.com", password: "wrong") { token }`)
		}
		q.WriteString(" }")
		r := e.post(t, gqlPath, gqlBody(q.String(), nil), "")
		if r.status != http.StatusBadRequest || !strings.Contains(r.body, `"errors"`) || strings.Contains(r.body, `"data"`) {
			t.Fatalf("%d logins: %d %.300s", n, r.status, r.body)
		}
	}
	// nothing ran: the right password still logs in
	e.login(t, "ada@example.com")
	// three costly fields of different kinds are within the cap
	res, r := e.gqlDo(t, "", `mutation { a: forgotPasswordUser(email: "x@example.com") b: forgotPasswordUser(email: "y@example.com") c: loginUser(email: "ada@example.com", password: "correct horse") { token } }`, nil)
	if len(res.Errors) > 0 {
		t.Fatalf("three costly: %s", r.body)
	}
}

// TestGraphQLLimits: documents over the depth, alias, field and length
// limits are 400s with GraphQL errors; nothing is a 5xx.
func TestGraphQLLimits(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) {
		o.GraphQL.MaxDepth = 15
		o.GraphQL.MaxAliases = 5
		o.GraphQL.MaxFields = 250
		o.GraphQL.MaxQueryBytes = 4096
	})
	shallow := "{ meUser { user { sessions { id } } } }"
	var nested strings.Builder
	nested.WriteString("{ __schema { types { ")
	for range 14 {
		nested.WriteString("ofType { ")
	}
	nested.WriteString("name" + strings.Repeat(" }", 14) + " } } }")
	aliases := "{"
	for i := range 6 {
		aliases += " a" + strconv.Itoa(i) + ": initializedUser"
	}
	aliases += " }"
	fields := "{" + strings.Repeat(" __typename", 300) + " }"
	long := "{ meUser { token } }" + strings.Repeat(" ", 5000)
	for name, q := range map[string]string{"depth": nested.String(), "aliases": aliases, "fields": fields, "length": long} {
		r := e.post(t, gqlPath, gqlBody(q, nil), "")
		var body struct {
			Errors []gqlError `json:"errors"`
		}
		if r.status != http.StatusBadRequest || json.Unmarshal([]byte(r.body), &body) != nil || len(body.Errors) == 0 {
			t.Errorf("%s: %d %.300s", name, r.status, r.body)
		}
	}
	if r := e.post(t, gqlPath, gqlBody(shallow, nil), ""); r.status != http.StatusOK {
		t.Errorf("a shallow query: %d %s", r.status, r.body)
	}
}

// TestGraphQLHostile: bodies and documents the endpoint must refuse are
// 4xx in Payload's envelope or GraphQL errors, never a 5xx (checkResponse
// fails any 5xx).
func TestGraphQLHostile(t *testing.T) {
	t.Parallel()
	e := newEnvWithDeps(t, surfacetest.Deps{BodyLimit: 64 << 10})
	long := strings.Repeat("x", 10000)
	for _, tc := range []struct {
		name, body, ctype string
		status            int
	}{
		{"malformed json", `{"query":`, "", 400},
		{"query not a string", `{"query":1}`, "", 400},
		{"variables not an object", `{"query":"{ meUser { token } }","variables":[1]}`, "", 400},
		{"no query", `{}`, "", 400},
		{"batch", `[{"query":"{ meUser { token } }"}]`, "", 400},
		{"invalid utf-8", "{\"query\":\"{ meUser { token } }\xff\"}", "", 400},
		{"text/plain", `{"query":"{ meUser { token } }"}`, "text/plain", 415},
		{"syntax", gqlBody(`{ meUser {`, nil), "", 400},
		{"unknown field", gqlBody(`{ findUsers { docs } }`, nil), "", 400},
		{"wrong variable type", gqlBody(`mutation($e: String!) { loginUser(email: $e, password: "x") { token } }`, map[string]any{"e": 5}), "", 400},
		{"missing variable", gqlBody(`mutation($e: String!) { loginUser(email: $e, password: "x") { token } }`, nil), "", 400},
		{"wrong argument type", gqlBody(`mutation { logoutUser(allSessions: "yes") }`, nil), "", 400},
		{"10k-char strings", gqlBody(`mutation($e: String!, $p: String) { loginUser(email: $e, password: $p) { token } }`, map[string]any{"e": long + "@example.com", "p": long}), "", 200},
		{"10k-char token", gqlBody(`mutation($t: String) { resetPasswordUser(token: $t, password: $t) { token } verifyEmailUser(token: $t) }`, map[string]any{"t": long}), "", 200},
		{"control characters", gqlBody(`mutation($e: String!) { forgotPasswordUser(email: $e) }`, map[string]any{"e": "a\u0000b@example.com"}), "", 200},
	} {
		r := e.gqlRaw(t, tc.body, tc.ctype)
		if r.status != tc.status {
			t.Errorf("%s: %d, want %d: %.300s", tc.name, r.status, tc.status, r.body)
		}
		if r.status == 200 && !strings.Contains(r.body, `"errors"`) && tc.name != "control characters" {
			t.Errorf("%s: no errors: %.300s", tc.name, r.body)
		}
	}
	// a mutation over GET is refused: it would dodge the CSRF rule
	r := e.get(t, gqlPath+"?query=mutation%20%7B%20logoutUser%20%7D", "")
	if r.status != http.StatusMethodNotAllowed || r.header.Get("Allow") != "POST" {
		t.Errorf("mutation over GET: %d %s", r.status, r.body)
	}
}

// TestGraphQLCSRF: a cookie-authenticated GraphQL request from a foreign
// origin is refused as REST's writes are; a listed origin passes.
func TestGraphQLCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.CSRF = []string{"https://app.example"} })
	e.user(t, "ada@example.com")
	tok, _ := e.login(t, "ada@example.com")
	ck := map[string]string{"payload-token": tok}
	body := gqlBody(`mutation { logoutUser }`, nil)
	r := e.do(t, request{method: http.MethodPost, path: gqlPath, body: body, cookies: ck, header: map[string]string{"Origin": "https://evil.example"}})
	wantError(t, r, http.StatusForbidden, msgForbidden)
	wantStatus(t, e.get(t, "/api/users/me", jwt(tok)), http.StatusOK)
	r = e.do(t, request{method: http.MethodPost, path: gqlPath, body: body, cookies: ck, header: map[string]string{"Origin": "https://app.example"}})
	if r.status != 200 || !strings.Contains(r.body, "Logout successful.") {
		t.Fatalf("listed origin: %d %s", r.status, r.body)
	}
}

// TestGraphQLSlugNames: every slug gets its own operations by its
// singular name (members -> Member, blog-categories -> BlogCategory),
// Access a field per slug; two slugs with one singular stop startup.
func TestGraphQLSlugNames(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) {
		o.Slugs = map[string]string{"members": "users", "blog-categories": "_superusers"}
	})
	e.user(t, "ada@example.com")
	res, r := e.gqlDo(t, "", `mutation { loginMember(email: "ada@example.com", password: "correct horse") { user { collection } } }`, nil)
	if field(t, res.Data, "loginMember", "user", "collection") != "members" {
		t.Fatalf("loginMember: %s", r.body)
	}
	_, r = e.gqlDo(t, "", `{ initializedBlogCategory meMember { user { email } } Access { members { create { permission } } blog_categories { read { permission } } } }`, nil)
	if !strings.Contains(r.body, `"blog_categories":{"read":{"permission":false}}`) {
		t.Fatalf("names: %s", r.body)
	}
	for _, slugs := range []map[string]string{
		{"user": "users", "users": "_superusers"},
		{"a-b": "users", "a_b": "_superusers"},
	} {
		o := payload.DefaultOptions()
		o.ServerURL = serverURL
		o.Slugs = slugs
		_, err := payload.NewHandler(surfaces.Deps{Service: e.svc}, o)
		if err == nil || !strings.Contains(err.Error(), "GraphQL name") {
			t.Errorf("%v: err = %v", slugs, err)
		}
	}
}
