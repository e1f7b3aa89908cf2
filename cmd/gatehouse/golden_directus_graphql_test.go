package main

import (
	"net/url"
	"strconv"
	"strings"
	"testing"
)

// gqlBody is the raw body of a GraphQL request.
func gqlBody(query string, vars map[string]any) string {
	body := `{"query":` + jsonStr(query)
	if vars != nil {
		body += `,"variables":{`
		first := true
		for _, k := range []string{"email", "password", "mode", "refresh_token"} {
			if v, ok := vars[k]; ok {
				if !first {
					body += ","
				}
				first = false
				body += jsonStr(k) + ":" + jsonStr(v.(string))
			}
		}
		body += "}"
	}
	return body + "}"
}

// TestGoldenDirectusGraphQL pins /graphql/system: the auth mutations'
// results and refusals, the validation errors, the abuse limits and the
// requests the endpoint cannot read.
func TestGoldenDirectusGraphQL(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, directusFastYAML, serverOpts{})
	g := newGoldenSet(t, ts, "directus")
	g.name(ts.signUp(t, goldenDXMail, goldenPass), "<id:golden>")
	const system = dx + "/graphql/system"
	const login = `mutation Login($email: String!, $password: String!, $mode: auth_mode) {
  auth_login(email: $email, password: $password, mode: $mode) { access_token expires refresh_token }
}`
	const refresh = `mutation Refresh($refresh_token: String, $mode: auth_mode) {
  auth_refresh(refresh_token: $refresh_token, mode: $mode) { access_token expires refresh_token }
}`
	creds := func(pw, mode string) map[string]any {
		v := map[string]any{"email": goldenDXMail, "password": pw}
		if mode != "" {
			v["mode"] = mode
		}
		return v
	}

	jsonLogin := g.check("graphql.login-json", gReq("POST", system, gqlBody(login, creds(goldenPass, ""))))
	g.check("graphql.login-cookie", gReq("POST", system, gqlBody(login, creds(goldenPass, "cookie"))))
	g.check("graphql.login-session", gReq("POST", system, gqlBody(login, creds(goldenPass, "session"))))
	g.check("graphql.login-wrong-password", gReq("POST", system, gqlBody(login, creds("wrong password 1", ""))))
	g.check("graphql.login-invalid-email", gReq("POST", system, gqlBody(login, map[string]any{"email": "not-an-email", "password": goldenPass})))
	g.check("graphql.login-bad-mode", gReq("POST", system, gqlBody(login, creds(goldenPass, "telepathy"))))

	rt := jsonLogin.str("data.auth_login.refresh_token")
	if rt == "" {
		t.Fatalf("auth_login gave no refresh token: %s", jsonLogin.Raw)
	}
	g.name(rt, "<refresh_token:login>")
	next := g.check("graphql.refresh-json", gReq("POST", system, gqlBody(refresh, map[string]any{"refresh_token": rt})))
	g.check("graphql.refresh-json-reused", gReq("POST", system, gqlBody(refresh, map[string]any{"refresh_token": rt})))
	g.check("graphql.refresh-no-token", gReq("POST", system, gqlBody(refresh, nil)))
	g.check("graphql.logout-json", gReq("POST", system, gqlBody(`mutation($refresh_token: String) { auth_logout(refresh_token: $refresh_token) }`,
		map[string]any{"refresh_token": next.str("data.auth_refresh.refresh_token")})))
	g.check("graphql.tfa-generate-guest", gReq("POST", system, gqlBody(`mutation { users_me_tfa_generate(password: "x") { secret } }`, nil)))
	g.check("graphql.password-request", gReq("POST", system, gqlBody(`mutation { auth_password_request(email: "nobody@example.com") }`, nil)))

	g.check("graphql.ping-get", gReq("GET", system+"?query="+url.QueryEscape("{ server_ping }"), ""))
	g.check("graphql.mutation-over-get", gReq("GET", system+"?query="+url.QueryEscape(`mutation { auth_logout(refresh_token: "x") }`), ""))
	g.check("graphql.syntax-error", gReq("POST", system, gqlBody(`mutation { auth_login(`, nil)))
	g.check("graphql.unknown-field", gReq("POST", system, gqlBody(`{ users_me { id } }`, nil)))
	g.check("graphql.missing-argument", gReq("POST", system, gqlBody(`mutation { auth_login(email: "a@example.com") { expires } }`, nil)))
	var aliases, logins strings.Builder
	for i := range 60 {
		aliases.WriteString(" p" + strconv.Itoa(i) + ": server_ping")
	}
	for i := range 4 {
		logins.WriteString(" l" + strconv.Itoa(i) + `: auth_login(email: "a@example.com", password: "x") { expires }`)
	}
	g.check("graphql.too-many-aliases", gReq("POST", system, gqlBody("{"+aliases.String()+" }", nil)))
	g.check("graphql.too-many-logins", gReq("POST", system, gqlBody("mutation {"+logins.String()+" }", nil)))
	deep := "{ __schema { types { fields { type { " + strings.Repeat("ofType { ", 20) + "name" + strings.Repeat(" }", 20) + " } } } } }"
	g.check("graphql.too-deep", gReq("POST", system, gqlBody(deep, nil)))
	g.check("graphql.no-query", gReq("POST", system, `{"variables":{}}`))
	g.check("graphql.batch", gReq("POST", system, `[{"query":"{ server_ping }"}]`))
	g.check("graphql.malformed-json", gReq("POST", system, `{"query":`))
	g.check("graphql.query-wrong-type", gReq("POST", system, `{"query":5}`))
	g.check("graphql.items-endpoint", gReq("POST", dx+"/graphql", `{"query":"{ server_ping }"}`))
}
