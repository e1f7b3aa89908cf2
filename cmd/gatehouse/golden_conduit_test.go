package main

import (
	"net/http"
	"testing"
)

// Golden cases of the Conduit surface (/conduit/authentication/...),
// one server per group. testdata/golden/conduit holds one file per case.
// Every server pads logins by 1 ms instead of 500 ms: the padding changes
// no answer.

const (
	cd           = "/conduit/authentication"
	goldenCDMail = "golden-cd@example.com"
	// conduitFastYAML shortens the stall.
	conduitFastYAML = "surfaces:\n  conduit:\n    login_stall: 1ms\n"
)

// cdCreds is the raw body of a Conduit login or registration.
func cdCreds(email, password string) string {
	return `{"email":` + jsonStr(email) + `,"password":` + jsonStr(password) + `}`
}

// TestGoldenConduitLocal pins registration, login and its refusals, the
// Bearer rule's 401s, the user routes, renew with its replay, sudo mode
// and logout.
func TestGoldenConduitLocal(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, conduitFastYAML, serverOpts{})
	g := newGoldenSet(t, ts, "conduit")

	reg := g.check("register.success", gReq("POST", cd+"/local/new",
		`{"email":"`+goldenCDMail+`","password":"`+goldenPass+`","userData":{"nickname":"Ada","email":"bogus@example.com"}}`))
	id := reg.str("user._id")
	g.name(id, "<id:golden>")
	g.check("register.existing-email", gReq("POST", cd+"/local/new", cdCreds("Golden-CD@example.com", goldenPass)))
	g.check("register.invalid-email", gReq("POST", cd+"/local/new", cdCreds("not-an-email", goldenPass)))
	g.check("register.missing-email", gReq("POST", cd+"/local/new", `{"password":"`+goldenPass+`"}`))
	g.check("register.short-password", gReq("POST", cd+"/local/new", cdCreds("golden-cd-short@example.com", "short")))
	g.check("register.userdata-not-object", gReq("POST", cd+"/local/new", `{"email":"golden-cd-x@example.com","password":"`+goldenPass+`","userData":"bogus"}`))

	login := g.check("login.success", gReq("POST", cd+"/local", cdCreds(goldenCDMail, goldenPass)))
	tok, refresh := login.str("accessToken"), login.str("refreshToken")
	g.name(refresh, "<refresh_token:login>")
	g.check("login.wrong-password", gReq("POST", cd+"/local", cdCreds(goldenCDMail, "wrong password 1")))
	g.check("login.unknown-email", gReq("POST", cd+"/local", cdCreds("nobody@example.com", goldenPass)))
	g.check("login.invalid-email", gReq("POST", cd+"/local", cdCreds("nobody", goldenPass)))
	g.check("login.missing-password", gReq("POST", cd+"/local", `{"email":"`+goldenCDMail+`"}`))
	g.check("login.wrong-type", gReq("POST", cd+"/local", `{"email":123,"password":"x"}`))
	g.check("login.malformed-json", gReq("POST", cd+"/local", `{"email":`))
	g.check("login.unsupported-media-type", goldenReq{Method: "POST", Path: cd + "/local", CType: "text/plain", Body: cdCreds(goldenCDMail, goldenPass)})

	g.check("user.get", gReq("GET", cd+"/user", "", "Authorization", "Bearer "+tok))
	g.check("user.no-token", gReq("GET", cd+"/user", ""))
	g.check("user.malformed-header", gReq("GET", cd+"/user", "", "Authorization", "Bearer "+tok+" extra"))
	g.check("user.wrong-scheme", gReq("GET", cd+"/user", "", "Authorization", "JWT "+tok))
	g.check("user.bad-token", gReq("GET", cd+"/user", "", "Authorization", "Bearer bogus-token"))
	g.check("user.cookie", gReq("GET", cd+"/user", "", "Cookie", "accessToken="+tok))
	g.check("user.patch", gReq("PATCH", cd+"/user", `{"userData":{"city":"Oslo","isVerified":true}}`, "Authorization", "Bearer "+tok))
	g.check("user.patch-missing", gReq("PATCH", cd+"/user", `{}`, "Authorization", "Bearer "+tok))

	renewed := g.check("renew.success", gReq("POST", cd+"/renew", "", "Authorization", "Bearer "+refresh))
	g.name(renewed.str("refreshToken"), "<refresh_token:renewed>")
	g.check("user.delete-after-renew", gReq("DELETE", cd+"/user", "", "Authorization", "Bearer "+renewed.str("accessToken")))
	g.check("renew.no-token", gReq("POST", cd+"/renew", ""))
	g.check("renew.unknown", gReq("POST", cd+"/renew", "", "Authorization", "Bearer bogus-refresh-token"))
	g.check("renew.replayed", gReq("POST", cd+"/renew", "", "Authorization", "Bearer "+refresh))
	g.check("user.after-replay", gReq("GET", cd+"/user", "", "Authorization", "Bearer "+renewed.str("accessToken")))

	again := ts.do(t, "POST", cd+"/local", map[string]any{"email": goldenCDMail, "password": goldenPass}).want(t, 200)
	g.check("logout.success", gReq("POST", cd+"/logout", "", "Authorization", "Bearer "+again.str("accessToken")))
	g.check("logout.again", gReq("POST", cd+"/logout", "", "Authorization", "Bearer "+again.str("accessToken")))

	fresh := ts.do(t, "POST", cd+"/local", map[string]any{"email": goldenCDMail, "password": goldenPass}).want(t, 200)
	g.check("user.delete", gReq("DELETE", cd+"/user", "", "Authorization", "Bearer "+fresh.str("accessToken")))
	g.check("route.unknown", gReq("GET", cd+"/bogus", ""))
}

// TestGoldenConduitCookies pins cookie mode: the login answer keeps
// userId, the cookies carry the tokens with Max-Age in seconds, renew
// reads the refresh cookie, logout clears both; and the 409 switch.
func TestGoldenConduitCookies(t *testing.T) {
	t.Parallel()
	ts := startServerWith(t, "surfaces:\n  conduit:\n    login_stall: 1ms\n    conflict_status_409: true\n"+
		"    access_tokens:\n      set_cookie: true\n    refresh_tokens:\n      set_cookie: true\n", serverOpts{})
	g := newGoldenSet(t, ts, "conduit")
	reg := ts.do(t, "POST", cd+"/local/new", map[string]any{"email": goldenCDMail, "password": goldenPass}).want(t, 200)
	g.name(reg.str("user._id"), "<id:golden>")
	g.check("cookies.register-existing-409", gReq("POST", cd+"/local/new", cdCreds(goldenCDMail, goldenPass)))
	login := g.check("cookies.login", gReq("POST", cd+"/local", cdCreds(goldenCDMail, goldenPass)))
	var access, refresh string
	for _, c := range (&http.Response{Header: login.Header}).Cookies() {
		switch c.Name {
		case "accessToken":
			access = c.Value
		case "refreshToken":
			refresh = c.Value
		}
	}
	if access == "" || refresh == "" {
		t.Fatalf("login set no token cookies: %v", login.Header)
	}
	g.name(refresh, "<refresh_token:login>")
	g.check("cookies.renew", gReq("POST", cd+"/renew", "", "Cookie", "refreshToken="+refresh))
	g.check("cookies.logout", gReq("POST", cd+"/logout", "", "Cookie", "accessToken="+access))
}
