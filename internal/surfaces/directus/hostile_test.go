package directus_test

import (
	"net/http"
	"strings"
	"testing"
)

// bodyRoutes are the routes that read a JSON body; user routes get a
// token.
var bodyRoutes = []struct {
	method, path string
	user         bool
}{
	{http.MethodPost, "/auth/login", false},
	{http.MethodPost, "/auth/refresh", false},
	{http.MethodPost, "/auth/logout", false},
	{http.MethodPost, "/auth/password/request", false},
	{http.MethodPost, "/auth/password/reset", false},
	{http.MethodPost, "/users/register", false},
	{http.MethodPatch, "/users/me", true},
	{http.MethodPost, "/users/me/tfa/generate", true},
	{http.MethodPost, "/users/me/tfa/enable", true},
	{http.MethodPost, "/users/me/tfa/disable", true},
	{http.MethodPost, "/graphql/system", false},
}

// TestHostileBodies sends every body route input it must refuse with a
// clear 4xx in Directus's envelope (checkResponse checks the envelope).
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.BodyLimit = 4096 })
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")

	wrongTypes := `{"email":{},"password":[],"mode":1,"otp":true,"refresh_token":5,"reset_url":[],"token":1,` +
		`"first_name":{},"last_name":2,"secret":[],"verification_url":false}`
	for _, tc := range []struct {
		name, ctype, body, code string
	}{
		{"truncated json", "", `{"email":`, "INVALID_PAYLOAD"},
		{"array", "", `[1,2]`, "INVALID_PAYLOAD"},
		{"null", "", `null`, "INVALID_PAYLOAD"},
		{"string", "", `"x"`, "INVALID_PAYLOAD"},
		{"trailing data", "", `{} {}`, "INVALID_PAYLOAD"},
		{"invalid utf-8", "", "{\"email\":\"\xff\xfe\",\"password\":\"x\"}", "INVALID_PAYLOAD"},
		{"deep nesting", "", `{"a":` + strings.Repeat(`[`, 100) + strings.Repeat(`]`, 100) + `}`, "INVALID_PAYLOAD"},
		{"wrong types", "", wrongTypes, "INVALID_PAYLOAD"},
		{"too large", "", `{"email":"` + strings.Repeat("a", 5000) + `"}`, "CONTENT_TOO_LARGE"},
		{"text/plain", "text/plain", `{"email":"ada@example.com"}`, "UNSUPPORTED_MEDIA_TYPE"},
		{"form", "application/x-www-form-urlencoded", `email=ada%40example.com`, "UNSUPPORTED_MEDIA_TYPE"},
		{"xml", "application/xml", `<a/>`, "UNSUPPORTED_MEDIA_TYPE"},
	} {
		for _, route := range bodyRoutes {
			req := request{method: route.method, path: route.path, ctype: tc.ctype, body: tc.body}
			if route.user {
				req.token = tk.AccessToken
			}
			r := e.do(t, req)
			if r.status < 400 || r.status >= 500 {
				t.Errorf("%s %s %s: status %d, body %s", tc.name, route.method, route.path, r.status, r.body)
				continue
			}
			// Wrong types answer each route's first field check:
			// INVALID_PAYLOAD, except on PATCH /users/me, whose first
			// check is which fields a user may change at all (email may
			// not be, as in Directus).
			code := tc.code
			if tc.name == "wrong types" && route.method == http.MethodPatch && route.path == "/users/me" {
				code = "FORBIDDEN"
			}
			wantError(t, r, code, "")
		}
	}
	// A NUL or control character inside a valid string is refused where
	// it would be stored, and otherwise is only a string.
	r := e.post(t, "/users/register", `{"email":"eve@example.com","password":"correct horse","first_name":"a\u0000b"}`)
	wantError(t, r, "INVALID_PAYLOAD", "")
	r = e.post(t, "/auth/login", `{"email":"ada@example.com","password":"\u0000"}`)
	wantError(t, r, "INVALID_CREDENTIALS", "")
	// An over-long password is only wrong.
	r = e.post(t, "/auth/login", `{"email":"ada@example.com","password":"`+strings.Repeat("p", 3000)+`"}`)
	wantError(t, r, "INVALID_CREDENTIALS", "")
}
