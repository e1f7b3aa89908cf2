package payload_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// bodyRoute is a route that reads a JSON body; user routes get a token.
type bodyRoute struct {
	method, path string
	user         bool
}

// bodyRoutes lists them; {id} is filled with the test user's id.
var bodyRoutes = []bodyRoute{
	{http.MethodPost, "/api/users/login", false},
	{http.MethodPost, "/api/users/forgot-password", false},
	{http.MethodPost, "/api/users/reset-password", false},
	{http.MethodPost, "/api/users/unlock", true},
	{http.MethodPost, "/api/users/first-register", false},
	{http.MethodPost, "/api/users", false},
	{http.MethodPatch, "/api/users/{id}", true},
	{http.MethodPost, "/api/graphql", false},
}

// hostileEnv is a surface with a small body limit, a user and its token.
func hostileEnv(t testing.TB, limit int64) (e *env, id, token string) {
	e = newEnv(t, nil)
	if limit > 0 {
		e = newEnvWithDeps(t, surfacetest.Deps{BodyLimit: limit})
	}
	u := e.user(t, "ada@example.com")
	token, _ = e.login(t, u.Email)
	return e, u.ID, token
}

// send sends body to route as ctype.
func (e *env) send(t testing.TB, rt bodyRoute, id, token, ctype, body string) response {
	t.Helper()
	req := request{method: rt.method, path: strings.ReplaceAll(rt.path, "{id}", id), ctype: ctype, body: body}
	if rt.user {
		req.auth = jwt(token)
	}
	return e.do(t, req)
}

// TestHostileBodies sends every body route input it must refuse with a
// clear 4xx in Payload's envelope (checkResponse checks the envelope and
// that nothing is a 5xx).
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	e, id, token := hostileEnv(t, 4096)
	wrongTypes := `{"email":{},"password":[],"token":1,"name":false}`
	for _, tc := range []struct {
		name, ctype, body string
		status            int
	}{
		{"truncated json", "", `{"email":`, 400},
		{"array", "", `[1,2]`, 400},
		{"null", "", `null`, 400},
		{"string", "", `"x"`, 400},
		{"trailing data", "", `{} {}`, 400},
		{"invalid utf-8", "", "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", 400},
		{"deep nesting", "", `{"a":` + strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100) + `}`, 400},
		{"wrong types", "", wrongTypes, 400},
		{"too large", "", `{"email":"` + strings.Repeat("a", 5000) + `"}`, 413},
		{"text/plain", "text/plain", `{"email":"ada@example.com"}`, 415},
		{"form", "application/x-www-form-urlencoded", `email=ada%40example.com`, 415},
		{"xml", "application/xml", `<a/>`, 415},
	} {
		for _, rt := range bodyRoutes {
			r := e.send(t, rt, id, token, tc.ctype, tc.body)
			if r.status != tc.status {
				t.Errorf("%s %s %s: status %d, want %d; body %s", tc.name, rt.method, rt.path, r.status, tc.status, r.body)
			}
		}
	}
}

// TestHostileValues: values that decode (10k-character fields, control
// characters, unknown fields, nulls) are answered in Payload's format,
// never with a 5xx; unknown fields of an auth request are ignored, as
// Payload ignores them.
func TestHostileValues(t *testing.T) {
	t.Parallel()
	e, id, token := hostileEnv(t, 0)
	long := strings.Repeat("x", 10000)
	bodies := []string{
		`{"email":"` + long + `@example.com","password":"` + long + `"}`,
		`{"email":"ada@example.com","password":"` + long + `","token":"` + long + `"}`,
		`{"email":"a\u0000b@example.com","password":"\u0000","token":"\u0000"}`,
		`{"email":null,"password":null,"token":null}`,
		`{"` + long + `":1}`,
		`{"nickname":"` + long + `","bio":{"a":[1,2,{"b":null}]}}`,
		`{"email":"ada@example.com","password":"correct horse","__proto__":{"admin":true},"constructor":1}`,
	}
	for _, body := range bodies {
		for _, rt := range bodyRoutes {
			r := e.send(t, rt, id, token, "", body)
			if r.status >= 500 || (r.status >= 300 && r.status < 400) {
				t.Errorf("%s %s %.60q: %d %s", rt.method, rt.path, body, r.status, r.body)
			}
		}
	}
	// Unknown fields beside the credentials do not stop a login.
	r := e.post(t, "/api/users/login", `{"email":"ada@example.com","password":"correct horse","bogus":{"x":[1]},"depth":9}`, "")
	wantStatus(t, r, 200)
	// A hostile path segment is just an unknown id or token.
	wantError(t, e.get(t, "/api/users/%00%ff", jwt(token)), 404, "The requested resource was not found.")
	wantError(t, e.post(t, "/api/users/verify/%ff%00", "", ""), 403, "Verification token is invalid.")
}

// FuzzBodies sends arbitrary bodies, content types and Authorization
// headers to every body route: whatever arrives, the answer is never a
// 5xx and always in Payload's shape (checkResponse).
func FuzzBodies(f *testing.F) {
	e, id, token := hostileEnv(f, 8192)
	seeds := []string{
		`{"email":"ada@example.com","password":"correct horse"}`, `{"token":"a.b.c","password":"new password"}`,
		`{"email":[1]}`, `{"nickname":null}`, `[`, "\xff", `{"a":"\u0000"}`, `{"sessions":[{"id":"x"}]}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), "application/json", s, "")
	}
	f.Add(uint8(0), "text/plain; charset=\xff", "{}", "JWT x.y.z")
	f.Add(uint8(6), "application/json", `{"password":"x","oldPassword":"y"}`, "JWT "+token)
	gqlRoute := uint8(len(bodyRoutes) - 1) // POST /api/graphql
	f.Add(gqlRoute, "application/json", `{"query":"mutation { loginUser(email: \"ada@example.com\", password: \"x\") { token } }"}`, "")
	f.Add(gqlRoute, "application/json", `{"query":"query($t: String) { meUser { user { email sessions { id } } } Access { users { read { permission } } } }","variables":{"t":1}}`, "JWT "+token)
	f.Add(gqlRoute, "application/json", `{"query":"{ __schema { types { name } } }","operationName":7}`, "")
	f.Fuzz(func(t *testing.T, route uint8, ctype, body, auth string) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		if !headerSafe(ctype) || !headerSafe(auth) {
			return // the client cannot send it
		}
		req := request{method: rt.method, path: strings.ReplaceAll(rt.path, "{id}", id), ctype: ctype, body: body, auth: auth}
		if body != "" && ctype == "" {
			req.ctype = "application/json"
		}
		r := e.do(t, req)
		if r.status >= 500 || (r.status >= 300 && r.status < 400) {
			t.Fatalf("%s %s (%q, auth %q) = %d %s", rt.method, rt.path, body, auth, r.status, r.body)
		}
	})
}

// headerSafe reports whether Go's client sends v as a header value.
func headerSafe(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f })
}
