package directus_test

import (
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

func TestGraphQLLoginModes(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")

	// json, the default: both tokens in the result, no cookie.
	g, r := e.gqlLogin(t, "ada@example.com", password, "")
	var tk gqlTokens
	g.field(t, "auth_login", &tk)
	if tk.AccessToken == nil || tk.RefreshToken == nil || tk.Expires == nil || *tk.Expires != 900000 || len(r.cookies) != 0 {
		t.Fatalf("json login: %s (cookies %v)", r.body, r.cookies)
	}
	e.me(t, *tk.AccessToken) // the token works over REST

	// cookie: the refresh token in Directus's cookie, as over REST.
	g, r = e.gqlLogin(t, "ada@example.com", password, "cookie")
	g.field(t, "auth_login", &tk)
	c := r.cookies[e.opt.RefreshCookieName]
	if tk.AccessToken == nil || tk.RefreshToken != nil || c == nil || c.Value == "" || !c.HttpOnly {
		t.Fatalf("cookie login: %s (cookies %v)", r.body, r.cookies)
	}

	// session: the access token in the session cookie only.
	g, r = e.gqlLogin(t, "ada@example.com", password, "session")
	g.field(t, "auth_login", &tk)
	sc := r.cookies[e.opt.SessionCookieName]
	if tk.AccessToken != nil || tk.RefreshToken != nil || *tk.Expires != 86400000 || sc == nil {
		t.Fatalf("session login: %s (cookies %v)", r.body, r.cookies)
	}
	e.do(t, request{method: http.MethodGet, path: "/users/me", cookies: map[string]string{sc.Name: sc.Value}})

	// Refusals are results with Directus's codes and messages.
	g, _ = e.gqlLogin(t, "ada@example.com", "wrong horse", "json")
	wantGQLError(t, g, "auth_login", "INVALID_CREDENTIALS", "Invalid user credentials.")
	g, _ = e.gqlLogin(t, "nobody@example.com", password, "json")
	wantGQLError(t, g, "auth_login", "INVALID_CREDENTIALS", "Invalid user credentials.")
	g, _ = e.gqlLogin(t, "admin@localhost", password, "json")
	wantGQLError(t, g, "auth_login", "INVALID_PAYLOAD", `Invalid payload. "email" must be a valid email.`)
	g, _ = e.gqlLogin(t, "ada@example.com", "", "json")
	wantGQLError(t, g, "auth_login", "INVALID_PAYLOAD", `Invalid payload. "password" is not allowed to be empty.`)

	// A mode outside the enum, or a missing argument, is a validation
	// error of the document.
	wantError(t, e.gql(t, gqlCall{query: loginMutation, vars: map[string]any{"email": "a@b.co", "password": "x", "mode": "jwt"}}), "GRAPHQL_VALIDATION", "GraphQL validation error.")
	wantError(t, e.gql(t, gqlCall{query: `mutation { auth_login(email: "a@b.co") { expires } }`}), "GRAPHQL_VALIDATION", "")
}

func TestGraphQLRefreshAndLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	login, _ := e.login(t, "ada@example.com", "json")

	// json (the GraphQL default): rotation, and the old token is dead.
	g, _ := e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"t": login.RefreshToken}})
	var tk gqlTokens
	g.field(t, "auth_refresh", &tk)
	if tk.RefreshToken == nil || *tk.RefreshToken == login.RefreshToken || tk.AccessToken == nil {
		t.Fatalf("refresh: %+v", g)
	}
	g, _ = e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"t": login.RefreshToken}})
	wantGQLError(t, g, "auth_refresh", "INVALID_CREDENTIALS", "")
	g, _ = e.gqlOK(t, gqlCall{query: refreshMutation})
	wantGQLError(t, g, "auth_refresh", "INVALID_PAYLOAD", "Invalid payload. The refresh token is required in either the payload or cookie.")

	// cookie: read from and written to the refresh cookie.
	_, lr := e.login(t, "ada@example.com", "cookie")
	cname := e.opt.RefreshCookieName
	g, r := e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"mode": "cookie"}, cookies: map[string]string{cname: lr.cookies[cname].Value}})
	g.field(t, "auth_refresh", &tk)
	if tk.RefreshToken != nil || r.cookies[cname] == nil || r.cookies[cname].Value == lr.cookies[cname].Value {
		t.Fatalf("cookie refresh: %s (cookies %v)", r.body, r.cookies)
	}
	rotated := r.cookies[cname].Value

	// Logout in cookie mode ends the session and clears the cookie.
	g, r = e.gqlOK(t, gqlCall{query: `mutation { auth_logout(mode: cookie) }`, cookies: map[string]string{cname: rotated}})
	if string(g.Data["auth_logout"]) != "true" || r.cookies[cname] == nil || r.cookies[cname].MaxAge >= 0 {
		t.Fatalf("cookie logout: %s (cookies %v)", r.body, r.cookies)
	}
	g, _ = e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"mode": "cookie"}, cookies: map[string]string{cname: rotated}})
	wantGQLError(t, g, "auth_refresh", "INVALID_CREDENTIALS", "")

	// session: the session behind the cookie rotates, and logs out.
	_, sr := e.login(t, "ada@example.com", "session")
	sname := e.opt.SessionCookieName
	session := map[string]string{sname: sr.cookies[sname].Value}
	g, r = e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"mode": "session"}, cookies: session})
	g.field(t, "auth_refresh", &tk)
	if tk.AccessToken != nil || r.cookies[sname] == nil || r.cookies[sname].Value == session[sname] {
		t.Fatalf("session refresh: %s", r.body)
	}
	next := map[string]string{sname: r.cookies[sname].Value}
	g, _ = e.gqlOK(t, gqlCall{query: `mutation { auth_logout(mode: session) }`, cookies: next})
	if string(g.Data["auth_logout"]) != "true" {
		t.Fatalf("session logout: %+v", g)
	}
	// The ended session's cookie now fails every request, as over REST.
	wantError(t, e.gql(t, gqlCall{query: `{ server_ping }`, cookies: next}), "INVALID_CREDENTIALS", "")

	// json logout: true, then the token is dead.
	login, _ = e.login(t, "ada@example.com", "json")
	g, _ = e.gqlOK(t, gqlCall{query: `mutation($t: String) { auth_logout(refresh_token: $t) }`, vars: map[string]any{"t": login.RefreshToken}})
	if string(g.Data["auth_logout"]) != "true" {
		t.Fatalf("json logout: %+v", g)
	}
	g, _ = e.gqlOK(t, gqlCall{query: refreshMutation, vars: map[string]any{"t": login.RefreshToken}})
	wantGQLError(t, g, "auth_refresh", "INVALID_CREDENTIALS", "")
}

func TestGraphQLPasswordReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.opt.PasswordResetURLAllowList = []string{"https://app.test/reset"} })
	e.user(t, "ada@example.com")

	for _, email := range []string{"ada@example.com", "nobody@example.com"} {
		g, _ := e.gqlOK(t, gqlCall{query: `mutation($e: String!) { auth_password_request(email: $e, reset_url: "https://app.test/reset") }`, vars: map[string]any{"e": email}})
		if string(g.Data["auth_password_request"]) != "true" || len(g.Errors) != 0 {
			t.Fatalf("request for %s: %+v", email, g)
		}
	}
	g, _ := e.gqlOK(t, gqlCall{query: `mutation { auth_password_request(email: "ada@example.com", reset_url: "https://evil.test/") }`})
	wantGQLError(t, g, "auth_password_request", "INVALID_PAYLOAD", `Invalid payload. URL "https://evil.test/" can't be used to reset passwords.`)

	link, token := e.mailTo(t, "ada@example.com")
	if !strings.HasPrefix(link, "https://app.test/reset?token=") {
		t.Fatalf("link %q", link)
	}
	reset := `mutation($t: String!, $p: String!) { auth_password_reset(token: $t, password: $p) }`
	g, _ = e.gqlOK(t, gqlCall{query: reset, vars: map[string]any{"t": "nonsense", "p": "new horse battery"}})
	wantGQLError(t, g, "auth_password_reset", "INVALID_TOKEN", "Invalid token.")
	g, _ = e.gqlOK(t, gqlCall{query: reset, vars: map[string]any{"t": token, "p": "new horse battery"}})
	if string(g.Data["auth_password_reset"]) != "true" {
		t.Fatalf("reset: %+v", g)
	}
	g, _ = e.gqlLogin(t, "ada@example.com", "new horse battery", "json")
	if len(g.Errors) != 0 {
		t.Fatalf("login with the new password: %+v", g)
	}
	// The token was single-use.
	g, _ = e.gqlOK(t, gqlCall{query: reset, vars: map[string]any{"t": token, "p": "another horse"}})
	wantGQLError(t, g, "auth_password_reset", "INVALID_TOKEN", "")
}

func TestGraphQLTFA(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")

	gen := `mutation($p: String!) { users_me_tfa_generate(password: $p) { secret otpauth_url } }`
	g, _ := e.gqlOK(t, gqlCall{query: gen, vars: map[string]any{"p": password}})
	wantGQLError(t, g, "users_me_tfa_generate", "INVALID_CREDENTIALS", "") // anonymous
	g, _ = e.gqlOK(t, gqlCall{query: gen, vars: map[string]any{"p": "wrong horse"}, token: tk.AccessToken})
	wantGQLError(t, g, "users_me_tfa_generate", "INVALID_CREDENTIALS", "")
	g, _ = e.gqlOK(t, gqlCall{query: gen, vars: map[string]any{"p": password}, token: tk.AccessToken})
	var sec struct{ Secret, OTPAuthURL string }
	g.field(t, "users_me_tfa_generate", &sec)
	if sec.Secret == "" {
		t.Fatalf("generate: %+v", g)
	}

	enable := `mutation($o: String!, $s: String!) { users_me_tfa_enable(otp: $o, secret: $s) }`
	g, _ = e.gqlOK(t, gqlCall{query: enable, vars: map[string]any{"o": "000000", "s": sec.Secret}, token: tk.AccessToken})
	wantGQLError(t, g, "users_me_tfa_enable", "INVALID_PAYLOAD", `Invalid payload. "otp" is invalid.`)
	g, _ = e.gqlOK(t, gqlCall{query: enable, vars: map[string]any{"o": surfacetest.TOTP(t, sec.Secret, e.Clock.Now()), "s": sec.Secret}, token: tk.AccessToken})
	if string(g.Data["users_me_tfa_enable"]) != "true" {
		t.Fatalf("enable: %+v", g)
	}

	// auth_login now wants the otp, as POST /auth/login does.
	e.Clock.Advance(30 * time.Second)
	g, _ = e.gqlLogin(t, "ada@example.com", password, "json")
	wantGQLError(t, g, "auth_login", "INVALID_OTP", "Invalid user OTP.")
	code := surfacetest.TOTP(t, sec.Secret, e.Clock.Now())
	g, _ = e.gqlOK(t, gqlCall{query: loginMutation, vars: map[string]any{"email": "ada@example.com", "password": password, "otp": code}})
	if len(g.Errors) != 0 {
		t.Fatalf("login with otp: %+v", g)
	}

	e.Clock.Advance(30 * time.Second)
	g, _ = e.gqlOK(t, gqlCall{query: `mutation($o: String!) { users_me_tfa_disable(otp: $o) }`, vars: map[string]any{"o": surfacetest.TOTP(t, sec.Secret, e.Clock.Now())}, token: tk.AccessToken})
	if string(g.Data["users_me_tfa_disable"]) != "true" {
		t.Fatalf("disable: %+v", g)
	}
	e.login(t, "ada@example.com", "json")
}

func TestGraphQLRegister(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	reg := `mutation($e: String!, $p: String!) { users_register(email: $e, password: $p, first_name: "Ada") }`
	g, _ := e.gqlOK(t, gqlCall{query: reg, vars: map[string]any{"e": "ada@example.com", "p": password}})
	if string(g.Data["users_register"]) != "true" {
		t.Fatalf("register: %+v", g)
	}
	_, token := e.mailTo(t, "ada@example.com")
	verify := `mutation($t: String!) { users_register_verify(token: $t) }`
	g, _ = e.gqlOK(t, gqlCall{query: verify, vars: map[string]any{"t": "bogus"}})
	wantGQLError(t, g, "users_register_verify", "INVALID_TOKEN", "")
	g, _ = e.gqlOK(t, gqlCall{query: verify, vars: map[string]any{"t": token}})
	if string(g.Data["users_register_verify"]) != "true" {
		t.Fatalf("verify: %+v", g)
	}
	tk, _ := e.login(t, "ada@example.com", "json")
	if item := e.me(t, tk.AccessToken); item["status"] != "active" || item["first_name"] != "Ada" {
		t.Fatalf("registered user: %v", item)
	}

	closed := newEnv(t, func(c *config) { c.opt.PublicRegistration = false })
	g, _ = closed.gqlOK(t, gqlCall{query: reg, vars: map[string]any{"e": "bob@example.com", "p": password}})
	wantGQLError(t, g, "users_register", "FORBIDDEN", "")
}

// TestGraphQLAbuse: thousands of aliased logins run no login at all
// (the account is not locked by them), and the other limits and bad
// requests answer 4xx in Directus's shapes, never 5xx.
func TestGraphQLAbuse(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.settings = func(s *core.Settings) {
			s.Lockout = core.LockoutPolicy{MaxFailures: 3, Window: time.Hour, Duration: time.Hour}
		}
	})
	e.user(t, "ada@example.com")

	var many strings.Builder
	many.WriteString("mutation {")
	for i := range 1000 {
		many.WriteString(" a" + strconv.Itoa(i) + `:auth_login(email:"ada@example.com",password:"x"){expires}`)
	}
	many.WriteString(" }")
	r := e.gql(t, gqlCall{query: many.String()})
	wantError(t, r, "GRAPHQL_VALIDATION", "GraphQL validation error.")
	// Four logins is over the cap of three: nothing runs either.
	four := `mutation { a: auth_login(email:"ada@example.com",password:"x"){expires} b: auth_login(email:"ada@example.com",password:"x"){expires} ` +
		`c: auth_login(email:"ada@example.com",password:"x"){expires} d: auth_login(email:"ada@example.com",password:"x"){expires} }`
	wantError(t, e.gql(t, gqlCall{query: four}), "GRAPHQL_VALIDATION", "")
	if !strings.Contains(e.gql(t, gqlCall{query: four}).body, "costly") {
		t.Error("the refusal does not say what was over the limit")
	}
	// Three failures would lock the account; none ran, so it is not.
	e.login(t, "ada@example.com", "json")

	deep := "{ " + strings.Repeat("__schema { types { fields { type { ", 6) + "name" + strings.Repeat(" } } } }", 6) + " }"
	intro, err := os.ReadFile("../../httpapi/gql/testdata/introspection.graphql")
	if err != nil {
		t.Fatal(err)
	}
	g, _ := e.gqlOK(t, gqlCall{query: string(intro)})
	if len(g.Errors) != 0 || !strings.Contains(string(g.Data["__schema"]), `"auth_login"`) {
		t.Fatalf("introspection: %.300s", g.Data["__schema"])
	}

	for _, tc := range []struct {
		name, body, ctype, code string
	}{
		{"malformed json", `{"query":`, "", "INVALID_PAYLOAD"},
		{"no query", `{"variables":{}}`, "", "INVALID_PAYLOAD"},
		{"batch", `[{"query":"{ server_ping }"}]`, "", "INVALID_PAYLOAD"},
		{"query not a string", `{"query":["{ server_ping }"]}`, "", "INVALID_PAYLOAD"},
		{"invalid utf-8", "{\"query\":\"{ server_ping \xff }\"}", "", "INVALID_PAYLOAD"},
		{"text/plain", `{"query":"{ server_ping }"}`, "text/plain", "UNSUPPORTED_MEDIA_TYPE"},
		{"too large", `{"query":"` + strings.Repeat(" ", 2<<20) + `"}`, "", "CONTENT_TOO_LARGE"},
		{"syntax", `{"query":"mutation { auth_login("}`, "", "GRAPHQL_VALIDATION"},
		{"depth", `{"query":` + jsonString(deep) + `}`, "", "GRAPHQL_VALIDATION"},
		{"wrong variable type", `{"query":` + jsonString(loginMutation) + `,"variables":{"email":5,"password":"x"}}`, "", "GRAPHQL_VALIDATION"},
		{"unknown field", `{"query":"{ users_me { id } }"}`, "", "GRAPHQL_VALIDATION"},
		{"long query", `{"query":"{ server_ping } # ` + strings.Repeat("x", 70000) + `"}`, "", "GRAPHQL_VALIDATION"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			wantError(t, e.do(t, request{method: http.MethodPost, path: systemPath, body: tc.body, ctype: tc.ctype}), tc.code, "")
		})
	}

	// 10k-character strings are only data: refused by the flow.
	long := strings.Repeat("a", 10000)
	g, _ = e.gqlLogin(t, long+"@example.com", long, "json")
	if len(g.Errors) != 1 {
		t.Fatalf("10k-character login: %+v", g)
	}

	// The cap is the surface's setting.
	one := newEnv(t, func(c *config) { c.opt.GraphQL.MaxCostly = 1 })
	two := `mutation { a: auth_login(email:"a@example.com",password:"x"){expires} b: auth_login(email:"a@example.com",password:"x"){expires} }`
	wantError(t, one.gql(t, gqlCall{query: two}), "GRAPHQL_VALIDATION", "")
	if r := e.gql(t, gqlCall{query: two}); r.status != http.StatusOK {
		t.Fatalf("two logins under the default cap: %d %s", r.status, r.body)
	}

	// GET runs queries, never mutations (they would skip the CSRF check).
	r = e.do(t, request{method: http.MethodGet, path: systemPath + "?query=" + url.QueryEscape("{ server_ping }")})
	if wantStatus(t, r, http.StatusOK); !strings.Contains(r.body, `"server_ping":"pong"`) {
		t.Fatalf("GET query: %s", r.body)
	}
	r = e.do(t, request{method: http.MethodGet, path: systemPath + "?query=" + url.QueryEscape(`mutation { auth_logout(refresh_token: "x") }`)})
	wantError(t, r, "METHOD_NOT_ALLOWED", `Invalid method "GET" used. Should be one of POST.`)

	// Directus's items endpoint is not served.
	wantError(t, e.post(t, "/graphql", `{"query":"{ server_ping }"}`), "ROUTE_NOT_FOUND", "")
}
