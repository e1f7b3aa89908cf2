package main

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// Golden cases of the Payload surface (/payload/api/...), one server per
// group. testdata/golden/payload holds one file per case. Every server
// pads logins by 1 ms instead of 500 ms: the padding changes no answer.

const (
	pl           = "/payload/api/users"
	goldenPLMail = "golden-pl@example.com"
	// payloadFastYAML shortens the stall and trips the lockout after 3
	// failures.
	payloadFastYAML = "surfaces:\n  payload:\n    login_stall: 1ms\n    max_login_attempts: 3\n"
)

// plLogin is the raw body of a Payload login.
func plLogin(email, password string) string {
	return `{"email":` + jsonStr(email) + `,"password":` + jsonStr(password) + `}`
}

// newPayloadGoldenSet is a group of Payload cases, with the expiry
// times (Unix seconds) of its answers made stable.
func newPayloadGoldenSet(t *testing.T, ts *testServer) *goldenSet {
	g := newGoldenSet(t, ts, "payload")
	g.rule(`"exp":\d+`, `"exp":<exp>`)
	return g
}

// TestGoldenPayloadAuth pins first-register, init, login and its
// refusals, me, refresh-token, logout and the lockout with unlock.
func TestGoldenPayloadAuth(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, payloadFastYAML, serverOpts{})
	g := newPayloadGoldenSet(t, ts)

	g.check("init.empty", gReq("GET", pl+"/init", ""))
	first := g.check("first-register.success", gReq("POST", pl+"/first-register", `{"email":"golden-pl-first@example.com","password":"`+goldenPass+`","nickname":"First"}`))
	firstTok := first.str("token")
	g.check("first-register.again", gReq("POST", pl+"/first-register", `{"email":"golden-pl-second@example.com","password":"`+goldenPass+`"}`))
	g.check("init.initialized", gReq("GET", pl+"/init", ""))

	id := ts.signUp(t, goldenPLMail, goldenPass)
	g.name(id, "<id:golden>")
	login := g.check("login.success", gReq("POST", pl+"/login", plLogin(goldenPLMail, goldenPass)))
	tok := login.str("token")
	g.check("login.wrong-password", gReq("POST", pl+"/login", plLogin(goldenPLMail, "wrong password 1")))
	g.check("login.unknown-email", gReq("POST", pl+"/login", plLogin("nobody@example.com", goldenPass)))
	g.check("login.missing-fields", gReq("POST", pl+"/login", `{}`))
	g.check("login.missing-password", gReq("POST", pl+"/login", `{"email":"`+goldenPLMail+`"}`))
	g.check("login.wrong-type", gReq("POST", pl+"/login", `{"email":123,"password":"x"}`))
	g.check("login.malformed-json", gReq("POST", pl+"/login", `{"email":`))
	g.check("login.unsupported-media-type", goldenReq{Method: "POST", Path: pl + "/login", CType: "text/plain", Body: plLogin(goldenPLMail, goldenPass)})

	g.check("me.jwt", gReq("GET", pl+"/me", "", "Authorization", "JWT "+tok))
	g.check("me.bearer", gReq("GET", pl+"/me", "", "Authorization", "Bearer "+tok))
	g.check("me.cookie", gReq("GET", pl+"/me", "", "Cookie", "payload-token="+tok))
	g.check("me.guest", gReq("GET", pl+"/me", ""))
	g.check("me.bad-token", gReq("GET", pl+"/me", "", "Authorization", "JWT bogus-token"))

	// A refresh within the login's second would mint the very same token
	// (whole-second claims, deterministic signatures): wait past it.
	waitPastIssue(t, tok)
	refreshed := g.check("refresh-token.success", gReq("POST", pl+"/refresh-token", "", "Authorization", "JWT "+tok))
	g.check("refresh-token.guest", gReq("POST", pl+"/refresh-token", ""))
	g.check("refresh-token.csrf-refused", gReq("POST", pl+"/refresh-token", "", "Cookie", "payload-token="+tok, "Origin", "https://evil.example"))

	g.check("logout.guest", gReq("POST", pl+"/logout", ""))
	g.check("logout.success", gReq("POST", pl+"/logout", "", "Authorization", "JWT "+refreshed.str("refreshedToken")))
	g.check("logout.all-sessions", gReq("POST", pl+"/logout?allSessions=true", "", "Authorization", "JWT "+firstTok))

	// Three wrong passwords lock the account: the third still reads as a
	// wrong password, then LockedAuth, even with the right one.
	const lockedMail = "golden-pl-locked@example.com"
	ts.signUp(t, lockedMail, goldenPass)
	for range 2 {
		ts.do(t, "POST", pl+"/login", map[string]any{"email": lockedMail, "password": "wrong password 1"}).want(t, 401)
	}
	g.check("login.lock-reached", gReq("POST", pl+"/login", plLogin(lockedMail, "wrong password 1")))
	g.check("login.locked", gReq("POST", pl+"/login", plLogin(lockedMail, goldenPass)))
	helper := ts.do(t, "POST", pl+"/login", map[string]any{"email": goldenPLMail, "password": goldenPass}).want(t, 200).str("token")
	g.check("unlock.guest", gReq("POST", pl+"/unlock", `{"email":"`+lockedMail+`"}`))
	g.check("unlock.missing-email", gReq("POST", pl+"/unlock", `{}`, "Authorization", "JWT "+helper))
	g.check("unlock.unknown-email", gReq("POST", pl+"/unlock", `{"email":"nobody@example.com"}`, "Authorization", "JWT "+helper))
	g.check("unlock.success", gReq("POST", pl+"/unlock", `{"email":"`+lockedMail+`"}`, "Authorization", "JWT "+helper))

	g.check("access.guest", gReq("GET", "/payload/api/access", ""))
	g.check("access.user", gReq("GET", "/payload/api/access", "", "Authorization", "JWT "+helper))
	g.check("route.unknown", gReq("GET", "/payload/api/bogus", ""))
}

// TestGoldenPayloadDocuments pins the password flows, verification and
// the user documents.
func TestGoldenPayloadDocuments(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "surfaces:\n  payload:\n    login_stall: 1ms\n    verify: true\n", serverOpts{})
	g := newPayloadGoldenSet(t, ts)
	_, su := ts.superuser(t)

	created := g.check("create.success", gReq("POST", pl, `{"email":"`+goldenPLMail+`","password":"`+goldenPass+`","nickname":"Ada"}`))
	id := created.str("doc.id")
	g.name(id, "<id:golden>")
	g.check("create.existing-email", gReq("POST", pl, `{"email":"`+goldenPLMail+`","password":"`+goldenPass+`"}`))
	g.check("create.missing-fields", gReq("POST", pl, `{}`))
	g.check("login.unverified", gReq("POST", pl+"/login", plLogin(goldenPLMail, goldenPass)))
	verifyTok := waitMailMatch(t, ts, goldenPLMail, regexp.MustCompile(`/admin/users/verify/([A-Za-z0-9._-]+)`))
	g.check("verify.bad-token", gReq("POST", pl+"/verify/bogus-token", ""))
	g.check("verify.success", gReq("POST", pl+"/verify/"+verifyTok, ""))

	g.check("forgot-password.unknown", gReq("POST", pl+"/forgot-password", `{"email":"nobody@example.com"}`))
	g.check("forgot-password.missing-email", gReq("POST", pl+"/forgot-password", `{}`))
	g.check("forgot-password.known", gReq("POST", pl+"/forgot-password", `{"email":"`+goldenPLMail+`"}`))
	resetTok := waitMailMatch(t, ts, goldenPLMail, regexp.MustCompile(`/admin/reset/([A-Za-z0-9._-]+)`))
	g.check("reset-password.missing-data", gReq("POST", pl+"/reset-password", `{"token":"bogus-token"}`))
	g.check("reset-password.bad-token", gReq("POST", pl+"/reset-password", `{"token":"bogus-token","password":"new password 12"}`))
	g.check("reset-password.short-password", gReq("POST", pl+"/reset-password", `{"token":"`+resetTok+`","password":"short"}`))
	reset := g.check("reset-password.success", gReq("POST", pl+"/reset-password", `{"token":"`+resetTok+`","password":"new password 12"}`))
	tok := reset.str("token")
	auth := []string{"Authorization", "JWT " + tok}

	g.check("read.self", gReq("GET", pl+"/"+id, "", auth...))
	g.check("read.guest", gReq("GET", pl+"/"+id, ""))
	g.check("read.superuser", gReq("GET", pl+"/"+id, "", "Authorization", "Bearer "+su))
	g.check("update.nickname", gReq("PATCH", pl+"/"+id, `{"nickname":"Countess","sessions":"bogus"}`, auth...))
	g.check("update.password-without-old", gReq("PATCH", pl+"/"+id, `{"password":"newer password 1"}`, auth...))
	other := ts.do(t, "POST", pl, map[string]any{"email": "golden-pl-other@example.com", "password": goldenPass}).want(t, 201).str("doc.id")
	g.name(other, "<id:other>")
	g.check("read.other-user", gReq("GET", pl+"/"+other, "", auth...))
	g.check("delete.other-user", gReq("DELETE", pl+"/"+other, "", auth...))
	g.check("delete.superuser", gReq("DELETE", pl+"/"+other, "", "Authorization", "Bearer "+su))
	if strings.Contains(reset.Raw, `"password"`) {
		t.Errorf("reset answer shows a password: %s", reset.Raw)
	}
}

// TestPayloadAtTheRootServes: mounted at "/", Payload answers
// /api/users/... and /api/access beside PocketBase's /api; a slug that
// names a PocketBase /api group stops startup, naming the option.
func TestPayloadAtTheRootServes(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "surfaces:\n  payload:\n    mount: /\n    login_stall: 1ms\n", serverOpts{})
	ts.signUp(t, goldenPLMail, goldenPass)
	r := ts.do(t, "POST", "/api/users/login", map[string]any{"email": goldenPLMail, "password": goldenPass}).want(t, 200)
	if r.str("user.collection") != "users" || r.str("token") == "" {
		t.Errorf("root login = %s", r.Raw)
	}
	ts.do(t, "GET", "/api/access", nil).want(t, 200)
	ts.do(t, "GET", "/api/collections/users/auth-methods", nil).want(t, 200)
	ts.do(t, "POST", "/api/collections/users/auth-with-password", map[string]any{"identity": goldenPLMail, "password": goldenPass}).want(t, 200)

	err := serveFails(t, "surfaces:\n  payload:\n    mount: /\n    slugs: {collections: users}\n", nil)
	if want := `surfaces.payload.slugs: "collections" would answer PocketBase's /api/collections`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("serve = %v, want an error containing %q", err, want)
	}
}

// TestGoldenPayloadGraphQL pins <api>/graphql: each slug operation's
// result and refusals (Payload's messages and extensions), the seed's
// forms, the abuse limits and the requests the endpoint cannot read.
func TestGoldenPayloadGraphQL(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, payloadFastYAML, serverOpts{})
	g := newPayloadGoldenSet(t, ts)
	const gq = "/payload/api/graphql"
	g.name(ts.signUp(t, goldenPLMail, goldenPass), "<id:golden>")
	const login = `mutation Login($email: String!, $password: String) {
  loginUser(email: $email, password: $password) { exp token user { id email createdAt updatedAt collection sessions { id createdAt expiresAt } } }
}`
	creds := func(pw string) map[string]any { return map[string]any{"email": goldenPLMail, "password": pw} }

	res := g.check("graphql.login", gReq("POST", gq, gqlBody(login, creds(goldenPass))))
	tok := res.str("data.loginUser.token")
	if tok == "" {
		t.Fatalf("loginUser gave no token: %s", res.Raw)
	}
	g.check("graphql.login-wrong-password", gReq("POST", gq, gqlBody(login, creds("wrong password 1"))))
	g.check("graphql.login-missing-password", gReq("POST", gq, gqlBody(login, map[string]any{"email": goldenPLMail})))

	me := `{ initializedUser meUser { collection exp strategy token user { id email sessions { id } } } }`
	g.check("graphql.me", gReq("POST", gq, gqlBody(me, nil), "Authorization", "JWT "+tok))
	g.check("graphql.me-guest", gReq("POST", gq, gqlBody(me, nil)))
	g.check("graphql.me-get", gReq("GET", gq+"?query="+url.QueryEscape("{ meUser { user { email } } }"), "", "Cookie", "payload-token="+tok))
	g.check("graphql.access-guest", gReq("POST", gq, gqlBody(`query { Access { canAccessAdmin users { create { permission } read { permission } update { permission } delete { permission } unlock { permission } } } }`, nil)))
	g.check("graphql.access-user", gReq("POST", gq, gqlBody(`query { Access { users { read { permission } } } }`, nil), "Authorization", "JWT "+tok))

	waitPastIssue(t, tok) // or the refresh could mint the same token
	refreshed := g.check("graphql.refresh", gReq("POST", gq, gqlBody(`mutation { refreshTokenUser { exp refreshedToken strategy user { email collection } } }`, nil), "Authorization", "JWT "+tok))
	g.check("graphql.refresh-guest", gReq("POST", gq, gqlBody(`mutation { refreshTokenUser { refreshedToken } }`, nil)))
	g.check("graphql.logout", gReq("POST", gq, gqlBody(`mutation { logoutUser(allSessions: false) }`, nil),
		"Authorization", "JWT "+refreshed.str("data.refreshTokenUser.refreshedToken")))
	g.check("graphql.logout-guest", gReq("POST", gq, gqlBody(`mutation { logoutUser(allSessions: false) }`, nil)))

	g.check("graphql.forgot-password", gReq("POST", gq, gqlBody(`mutation { forgotPasswordUser(email: "`+goldenPLMail+`") }`, nil)))
	resetTok := waitMailMatch(t, ts, goldenPLMail, regexp.MustCompile(`/admin/reset/([A-Za-z0-9._-]+)`))
	g.check("graphql.reset-password-bad-token", gReq("POST", gq, gqlBody(`mutation { resetPasswordUser(token: "bogus-token", password: "new password 12") { user { email } token } }`, nil)))
	g.check("graphql.reset-password", gReq("POST", gq, gqlBody(`mutation { resetPasswordUser(token: "`+resetTok+`", password: "new password 12") { user { email } token } }`, nil)))
	g.check("graphql.verify-bad-token", gReq("POST", gq, gqlBody(`mutation { verifyEmailUser(token: "bogus-token") }`, nil)))
	g.check("graphql.unlock-guest", gReq("POST", gq, gqlBody(`mutation { unlockUser(email: "`+goldenPLMail+`") }`, nil)))

	var aliases, logins strings.Builder
	for i := range 60 {
		aliases.WriteString(" i" + strconv.Itoa(i) + ": initializedUser")
	}
	for i := range 4 {
		logins.WriteString(" l" + strconv.Itoa(i) + `: loginUser(email: "a@example.com", password: "x") { token }`)
	}
	g.check("graphql.too-many-aliases", gReq("POST", gq, gqlBody("{"+aliases.String()+" }", nil)))
	g.check("graphql.too-many-logins", gReq("POST", gq, gqlBody("mutation {"+logins.String()+" }", nil)))
	g.check("graphql.syntax-error", gReq("POST", gq, gqlBody(`mutation { loginUser(`, nil)))
	g.check("graphql.unknown-field", gReq("POST", gq, gqlBody(`{ findUsers { docs { id } } }`, nil)))
	g.check("graphql.mutation-over-get", gReq("GET", gq+"?query="+url.QueryEscape(`mutation { logoutUser }`), ""))
	g.check("graphql.no-query", gReq("POST", gq, `{"variables":{}}`))
	g.check("graphql.batch", gReq("POST", gq, `[{"query":"{ initializedUser }"}]`))
	g.check("graphql.malformed-json", gReq("POST", gq, `{"query":`))
	g.check("graphql.query-wrong-type", gReq("POST", gq, `{"query":5}`))
}
