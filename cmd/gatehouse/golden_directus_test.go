package main

import (
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Golden cases of the Directus surface (/directus/...), one server per
// group. testdata/golden/directus holds one file per case. Every server
// pads logins and sign-ups by 1 ms instead of Directus's 500/750 ms: the
// padding changes no answer, only how long the groups take.

const (
	dx           = "/directus"
	goldenDXMail = "golden-dx@example.com"
	// directusFastYAML shortens the stalls (file-only settings).
	directusFastYAML = "surfaces:\n  directus:\n    login_stall: 1ms\n    register_stall: 1ms\n"
)

// dxLogin is the raw body of a Directus login; mode "" leaves it out.
func dxLogin(email, password, mode string) string {
	body := `{"email":` + jsonStr(email) + `,"password":` + jsonStr(password)
	if mode != "" {
		body += `,"mode":` + jsonStr(mode)
	}
	return body + `}`
}

// setCookieValue returns the value a response sets for cookie name.
func setCookieValue(t testing.TB, r response, name string) string {
	t.Helper()
	for _, c := range r.Header.Values("Set-Cookie") {
		if v, ok := strings.CutPrefix(c, name+"="); ok {
			v, _, _ = strings.Cut(v, ";")
			if v != "" {
				return v
			}
		}
	}
	t.Fatalf("no %s cookie set in %v (body %.300s)", name, r.Header.Values("Set-Cookie"), r.Raw)
	return ""
}

// TestGoldenDirectusAuth pins /auth: the providers list, logins in the
// three modes and their refusals, refresh and logout. Lockout trips
// after 3 failures.
func TestGoldenDirectusAuth(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, directusFastYAML, serverOpts{Env: map[string]string{"GATEHOUSE_LOCKOUT_MAX_FAILURES": "3"}})
	g := newGoldenSet(t, ts, "directus")
	g.name(ts.signUp(t, goldenDXMail, goldenPass), "<id:golden>")
	const login = dx + "/auth/login"

	g.check("providers", gReq("GET", dx+"/auth", ""))
	g.check("providers.session-only", gReq("GET", dx+"/auth?sessionOnly", ""))
	jsonLogin := g.check("login.json", gReq("POST", login, dxLogin(goldenDXMail, goldenPass, "")))
	cookieLogin := g.check("login.cookie", gReq("POST", login, dxLogin(goldenDXMail, goldenPass, "cookie")))
	sessionLogin := g.check("login.session", gReq("POST", login, dxLogin(goldenDXMail, goldenPass, "session")))
	g.check("login.wrong-password", gReq("POST", login, dxLogin(goldenDXMail, "wrong password 1", "")))
	g.check("login.unknown-email", gReq("POST", login, dxLogin("nobody@example.com", goldenPass, "")))
	g.check("login.missing-email", gReq("POST", login, `{"password":"`+goldenPass+`"}`))
	g.check("login.missing-password", gReq("POST", login, `{"email":"`+goldenDXMail+`"}`))
	g.check("login.invalid-email", gReq("POST", login, dxLogin("not-an-email", goldenPass, "")))
	g.check("login.tld-less-email", gReq("POST", login, dxLogin("admin@localhost", goldenPass, "")))
	g.check("login.wrong-type", gReq("POST", login, `{"email":123,"password":"`+goldenPass+`"}`))
	g.check("login.bad-mode", gReq("POST", login, dxLogin(goldenDXMail, goldenPass, "telepathy")))
	g.check("login.empty-body", goldenReq{Method: "POST", Path: login, CType: "application/json"})
	g.check("login.unsupported-media-type", goldenReq{Method: "POST", Path: login, CType: "text/plain", Body: dxLogin(goldenDXMail, goldenPass, "")})
	g.check("login.malformed-json", gReq("POST", login, `{"email":`))
	g.check("login.invalid-utf8", gReq("POST", login, "{\"email\":\"a\xff\xfe@example.com\",\"password\":\"x\"}"))
	g.check("login.array-body", gReq("POST", login, `[]`))

	// Three wrong passwords lock the account; its refresh token then
	// answers USER_SUSPENDED while the login looks like a wrong password.
	const lockedMail = "golden-dx-locked@example.com"
	ts.signUp(t, lockedMail, goldenPass)
	lockedRT := ts.do(t, "POST", login, map[string]any{"email": lockedMail, "password": goldenPass}).want(t, 200).str("data.refresh_token")
	for range 3 {
		ts.do(t, "POST", login, map[string]any{"email": lockedMail, "password": "wrong password 1"}).want(t, 401)
	}
	g.check("login.locked", gReq("POST", login, dxLogin(lockedMail, goldenPass, "")))
	g.check("refresh.locked", gReq("POST", dx+"/auth/refresh", `{"refresh_token":"`+lockedRT+`"}`))

	const refresh = dx + "/auth/refresh"
	rt := jsonLogin.str("data.refresh_token")
	if rt == "" {
		t.Fatalf("json login gave no refresh token: %s", jsonLogin.Raw)
	}
	g.name(rt, "<refresh_token:login>")
	next := g.check("refresh.json", gReq("POST", refresh, `{"refresh_token":"`+rt+`"}`))
	g.check("refresh.json-reused", gReq("POST", refresh, `{"refresh_token":"`+rt+`"}`))
	g.check("refresh.json-unknown", gReq("POST", refresh, `{"refresh_token":"bogus-refresh-token"}`))
	g.check("refresh.no-token", goldenReq{Method: "POST", Path: refresh})
	g.check("refresh.json-mode-without-token", gReq("POST", refresh, `{"mode":"json"}`))
	refreshCookie := setCookieValue(t, cookieLogin, "directus_refresh_token")
	g.check("refresh.cookie", gReq("POST", refresh, "", "Cookie", "directus_refresh_token="+refreshCookie))
	sessionCookie := setCookieValue(t, sessionLogin, "directus_session_token")
	g.check("refresh.session", gReq("POST", refresh, `{"mode":"session"}`, "Cookie", "directus_session_token="+sessionCookie))

	const logout = dx + "/auth/logout"
	g.check("logout.json", gReq("POST", logout, `{"refresh_token":"`+next.str("data.refresh_token")+`"}`))
	g.check("logout.no-token", goldenReq{Method: "POST", Path: logout})
	g.check("logout.unknown-token", gReq("POST", logout, `{"refresh_token":"bogus-refresh-token"}`))
	cookie2 := setCookieValue(t, ts.do(t, "POST", login, map[string]any{"email": goldenDXMail, "password": goldenPass, "mode": "cookie"}).want(t, 200),
		"directus_refresh_token")
	g.check("logout.cookie", gReq("POST", logout, "", "Cookie", "directus_refresh_token="+cookie2))

	// A session that logged out leaves a stale cookie: it fails every
	// route, even a login, and the answer clears it.
	stale := setCookieValue(t, ts.do(t, "POST", login, map[string]any{"email": goldenDXMail, "password": goldenPass, "mode": "session"}).want(t, 200),
		"directus_session_token")
	g.check("logout.session", gReq("POST", logout, `{"mode":"session"}`, "Cookie", "directus_session_token="+stale))
	g.check("users-me.stale-session-cookie", gReq("GET", dx+"/users/me", "", "Cookie", "directus_session_token="+stale))
	g.check("login.stale-session-cookie", gReq("POST", login, dxLogin(goldenDXMail, goldenPass, ""), "Cookie", "directus_session_token="+stale))
}

// TestGoldenDirectusUsers pins /users (me, register, two-factor), the
// password flows, token extraction and unknown routes.
func TestGoldenDirectusUsers(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, directusFastYAML, serverOpts{})
	g := newGoldenSet(t, ts, "directus")
	_, su := ts.superuser(t)
	id := ts.signUp(t, goldenDXMail, goldenPass)
	g.name(id, "<id:golden>")
	tok := ts.directusLogin(t, dx, goldenDXMail, goldenPass)
	auth := []string{"Authorization", "Bearer " + tok}
	const me = dx + "/users/me"

	g.check("users-me.full", gReq("GET", me, "", auth...))
	g.check("users-me.fields", gReq("GET", me+"?fields=id,email", "", auth...))
	g.check("users-me.unknown-field", gReq("GET", me+"?fields=id,bogus", "", auth...))
	g.check("users-me.guest", gReq("GET", me, ""))
	g.check("users-me-update.first-name", gReq("PATCH", me, `{"first_name":"Ada"}`, auth...))
	g.check("users-me-update.forbidden-field", gReq("PATCH", me, `{"role":"bogus-role"}`, auth...))
	g.check("users-me-update.password-without-old", gReq("PATCH", me, `{"password":"new password 12"}`, auth...))
	g.check("users-me-update.wrong-old-password", gReq("PATCH", me, `{"password":"new password 12","old_password":"wrong password 1"}`, auth...))

	g.check("token.query", gReq("GET", me+"?fields=id&access_token="+tok, ""))
	g.check("token.query-and-header", gReq("GET", me+"?access_token="+tok, "", auth...))
	parts := strings.Split(tok, ".")
	forged := parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2]))
	g.check("token.forged-signature", gReq("GET", me, "", "Authorization", "Bearer "+forged))
	g.check("token.garbage", gReq("GET", me, "", "Authorization", "Bearer bogus-token"))
	g.check("token.garbage-on-login", gReq("POST", dx+"/auth/login", dxLogin(goldenDXMail, goldenPass, ""), "Authorization", "Bearer bogus-token"))
	// An impersonation token of one second expires without waiting long.
	short := ts.impersonate(t, su, id, 1)
	time.Sleep(time.Until(time.Unix(jwtExp(t, short)+1, 0)) + 50*time.Millisecond)
	g.check("token.expired", gReq("GET", me, "", "Authorization", "Bearer "+short))

	const tfa = me + "/tfa"
	g.check("tfa-generate.wrong-password", gReq("POST", tfa+"/generate", `{"password":"wrong password 1"}`, auth...))
	g.check("tfa-generate.missing-password", gReq("POST", tfa+"/generate", `{}`, auth...))
	g.check("tfa-disable.not-enabled", gReq("POST", tfa+"/disable", `{"otp":"123456"}`, auth...))
	g.check("tfa-generate.unverified", gReq("POST", tfa+"/generate", `{"password":"`+goldenPass+`"}`, auth...))
	ts.verifyEmail(t, goldenDXMail) // only verified accounts may add an app
	gen := g.check("tfa-generate.success", gReq("POST", tfa+"/generate", `{"password":"`+goldenPass+`"}`, auth...))
	secret := gen.str("data.secret")
	if secret == "" {
		t.Fatalf("tfa generate gave no secret: %s", gen.Raw)
	}
	g.name(secret, "<secret:generated>")
	wrong := wrongTOTP(t, secret)
	g.name(wrong, "<wrong_code>")
	g.check("tfa-enable.bad-otp", gReq("POST", tfa+"/enable", `{"secret":"`+secret+`","otp":"`+wrong+`"}`, auth...))
	g.check("tfa-enable.missing-otp", gReq("POST", tfa+"/enable", `{"secret":"`+secret+`"}`, auth...))
	// Turned on for real, the account's logins then need the code.
	ts.do(t, "POST", tfa+"/enable", map[string]any{"secret": secret, "otp": totpCode(t, secret, totpStep(time.Now()))},
		auth...).want(t, 204)
	g.check("login.otp-required", gReq("POST", dx+"/auth/login", dxLogin(goldenDXMail, goldenPass, "")))
	g.check("login.wrong-otp", gReq("POST", dx+"/auth/login", `{"email":"`+goldenDXMail+`","password":"`+goldenPass+`","otp":"`+wrong+`"}`))
	g.check("tfa-disable.bad-otp", gReq("POST", tfa+"/disable", `{"otp":"`+wrong+`"}`, auth...))

	const pwRequest, pwReset = dx + "/auth/password/request", dx + "/auth/password/reset"
	g.check("password-request.unknown", gReq("POST", pwRequest, `{"email":"nobody@example.com"}`))
	g.check("password-request.known", gReq("POST", pwRequest, `{"email":"`+goldenDXMail+`"}`))
	g.check("password-request.missing-email", gReq("POST", pwRequest, `{}`))
	g.check("password-request.reset-url-not-allowed", gReq("POST", pwRequest, `{"email":"`+goldenDXMail+`","reset_url":"https://evil.example/reset"}`))
	g.check("password-reset.bad-token", gReq("POST", pwReset, `{"token":"bogus-token","password":"new password 12"}`))
	g.check("password-reset.missing-fields", gReq("POST", pwReset, `{}`))
	resetTok := waitMailMatch(t, ts, goldenDXMail, regexp.MustCompile(`reset-password\?token=([A-Za-z0-9._-]+)`))
	g.check("password-reset.short-password", gReq("POST", pwReset, `{"token":"`+resetTok+`","password":"short"}`))

	const register = dx + "/users/register"
	g.check("register.success", gReq("POST", register, `{"email":"golden-dx-new@example.com","password":"`+goldenPass+`"}`))
	g.check("register.existing-email", gReq("POST", register, `{"email":"`+goldenDXMail+`","password":"`+goldenPass+`"}`))
	g.check("register.short-password", gReq("POST", register, `{"email":"golden-dx-new2@example.com","password":"short"}`))
	g.check("register.bad-email", gReq("POST", register, `{"email":"not-an-email","password":"`+goldenPass+`"}`))
	g.check("register.verification-url-not-allowed", gReq("POST", register,
		`{"email":"golden-dx-new3@example.com","password":"`+goldenPass+`","verification_url":"https://evil.example/verify"}`))
	g.check("verify-email.bad-token", gReq("GET", dx+"/users/register/verify-email?token=bogus-token", ""))
	g.check("verify-email.missing-token", gReq("GET", dx+"/users/register/verify-email", ""))

	g.check("sso.unknown-provider", gReq("GET", dx+"/auth/login/bogus", ""))
	g.check("route.unknown", gReq("GET", dx+"/bogus", ""))
	g.check("route.unknown-auth", gReq("POST", dx+"/auth/bogus", ""))
	g.check("route.bare-mount", gReq("GET", dx, ""))
	g.check("cors.preflight", gReq("OPTIONS", dx+"/auth/login", "",
		"Origin", "https://app.example", "Access-Control-Request-Method", "POST", "Access-Control-Request-Headers", "content-type"))
}

// TestGoldenDirectusLimits pins the answers of a restricted server: a
// 1 KiB body limit, public registration off, and a login limit of 3 per
// day per IP.
func TestGoldenDirectusLimits(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, directusFastYAML+"security:\n  rate_limits:\n    login:\n      per_ip: 3/24h\n",
		serverOpts{Env: map[string]string{"GATEHOUSE_BODY_LIMIT": "1KiB", "GATEHOUSE_DIRECTUS_PUBLIC_REGISTRATION": "off"}})
	g := newGoldenSet(t, ts, "directus")
	ts.signUp(t, goldenDXMail, goldenPass)
	// The message says how long is left of the day-long window.
	g.rule(`retry after \d+[smh]\.`, "retry after <duration>.")

	big := `{"email":"` + strings.Repeat("a", 2048) + `@example.com","password":"x"}`
	g.check("login.over-limit", goldenReq{Method: "POST", Path: dx + "/auth/login", Body: big,
		BodyNote: fmt.Sprintf("(%d bytes: {\"email\":\"aaaa...@example.com\",\"password\":\"x\"})", len(big))})
	g.check("register.disabled", gReq("POST", dx+"/users/register", `{"email":"golden-dx-new@example.com","password":"`+goldenPass+`"}`))

	awayFromBoundary(24*time.Hour, time.Minute)
	for i := 0; ; i++ {
		r := ts.do(t, "POST", dx+"/auth/login", map[string]any{"email": goldenDXMail, "password": goldenPass})
		if r.Status == 429 {
			break
		}
		if i == 5 {
			t.Fatal("login never rate limited with per_ip 3/24h")
		}
	}
	g.check("login.rate-limited", goldenReq{Method: "POST", Path: dx + "/auth/login",
		Body: dxLogin(goldenDXMail, goldenPass, ""), RetryAfterVaries: true})
}

// waitMailMatch polls the dev mailbox until a mail to `to` matches re
// and returns its first group.
func waitMailMatch(t testing.TB, ts *testServer, to string, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if m := ts.mailMatches(t, to, re); len(m) > 0 {
			return m[len(m)-1][1]
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("no mail to %s matching %s within 10s", to, re)
	return ""
}
