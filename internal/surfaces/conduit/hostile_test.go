package conduit_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
)

// bodyRoutes are this package's routes that read a body or a token;
// user routes get a token.
var bodyRoutes = []struct {
	method, path string
	user         bool
}{
	{http.MethodPost, "/authentication/local/new", false},
	{http.MethodPost, "/authentication/local", false},
	{http.MethodPost, "/authentication/renew", false},
	{http.MethodPost, "/authentication/logout", true},
	{http.MethodGet, "/authentication/user", true},
	{http.MethodPatch, "/authentication/user", true},
}

// TestHostileBodies sends every body route input it must refuse with a
// 4xx in Conduit's shape (checkResponse checks the shape), and checks
// that no refused registration left a user behind.
func TestHostileBodies(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.BodyLimit = 4096 })
	e.register(t, "ada@example.com")

	wrongTypes := `{"email":{},"password":[],"userData":1,"captchaToken":5,"redirectUri":[],"invitationToken":true}`
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
		{"xml", "application/xml", `<a/>`, 415},
	} {
		for _, route := range bodyRoutes {
			tk := e.login(t, "ada@example.com") // a fresh one: a logout ends the last
			req := request{method: route.method, path: route.path, ctype: tc.ctype, body: tc.body}
			if route.user {
				req.token = tk.AccessToken
			}
			r := e.do(t, req)
			switch {
			case route.path == "/authentication/renew" || route.path == "/authentication/logout" ||
				route.method == http.MethodGet:
				// Read no body: a token decides (none for renew: 401).
				if r.status >= 500 {
					t.Errorf("%s %s %s: status %d, body %s", tc.name, route.method, route.path, r.status, r.body)
				}
			case r.status != tc.status:
				t.Errorf("%s %s %s: status %d, want %d; body %s", tc.name, route.method, route.path, r.status, tc.status, r.body)
			}
		}
	}
	// Control characters in a stored field are refused; in a password
	// they are only a wrong password; an over-long one too.
	r := e.post(t, "/authentication/local/new", `{"email":"eve@example.com","password":"correct horse","userData":{"name":"a\u0000b"}}`, "")
	if r.status != 400 {
		t.Errorf("NUL in userData: %d %s", r.status, r.body)
	}
	wantError(t, e.post(t, "/authentication/local", `{"email":"ada@example.com","password":"\u0000"}`, ""), 401, "UNAUTHORIZED", "Invalid login credentials")
	wantError(t, e.post(t, "/authentication/local", `{"email":"ada@example.com","password":"`+strings.Repeat("p", 3000)+`"}`, ""),
		401, "UNAUTHORIZED", "Invalid login credentials")
	r = e.post(t, "/authentication/local/new", `{"email":"long@example.com","password":"`+strings.Repeat("p", 3000)+`"}`, "")
	if r.status != 400 {
		t.Errorf("over-long password at sign-up: %d %s", r.status, r.body)
	}
	r = e.post(t, "/authentication/local/new", `{"email":"`+strings.Repeat("a", 300)+`@example.com","password":"correct horse"}`, "")
	if r.status != 400 {
		t.Errorf("over-long email at sign-up: %d %s", r.status, r.body)
	}
	if n, err := e.Env.DB.CountUsers(context.Background(), e.users.ID); err != nil || n != 1 {
		t.Errorf("users after the hostile sign-ups = %d, %v; want 1 (no half-written user)", n, err)
	}
}

// TestEveryRouteAnswersInShape sends each route of the table a request
// without body or token: every answer is Conduit's shape, never a panic
// or an unexplained 500 (a flow not yet served answers 501).
func TestEveryRouteAnswersInShape(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	for _, rt := range []string{
		"POST /authentication/local/new", "POST /authentication/local", "POST /authentication/renew",
		"POST /authentication/logout", "GET /authentication/user", "PATCH /authentication/user", "DELETE /authentication/user",
		"POST /authentication/forgot-password", "POST /authentication/reset-password",
		"POST /authentication/local/resend-verification", "POST /authentication/local/verify-email",
		"GET /hook/authentication/verify-email/x", "POST /authentication/local/change-password",
		"POST /authentication/local/change-email", "GET /hook/authentication/verify-change-email/x",
		"POST /authentication/magic-link", "GET /hook/authentication/magic-link/x", "POST /authentication/magic-link/x",
		"POST /authentication/twoFa/authorize", "POST /authentication/twoFa/verify", "POST /authentication/twoFa/recover",
		"PUT /authentication/twoFa/enable", "POST /authentication/twoFa/enable/verify", "PUT /authentication/twoFa/disable",
		"GET /authentication/twoFa/generate", "GET /authentication/init/github", "GET /hook/authentication/github",
		"POST /hook/authentication/github", "GET /nowhere", "DELETE /authentication/local",
	} {
		method, path, _ := strings.Cut(rt, " ")
		r := e.do(t, request{method: method, path: path})
		if r.status < 400 && r.status != 302 || r.status == 500 {
			t.Errorf("%s: %d %s", rt, r.status, r.body)
		}
	}
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/nowhere"}), 404, "NOT_FOUND", "Route not found")
}
