package conduit_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

// mailRoutes are the routes this package's mail and magic-link files
// serve that take a body; user marks those that need an access token.
var mailRoutes = []struct {
	path string
	user bool
}{
	{"/authentication/forgot-password", false},
	{"/authentication/reset-password", false},
	{"/authentication/local/resend-verification", false},
	{"/authentication/local/verify-email", false},
	{"/authentication/magic-link", false},
	{"/authentication/magic-link/some-token", false},
	{"/authentication/local/change-password", true},
	{"/authentication/local/change-email", true},
}

// mailHooks are the GET hooks, by the token they read from the path.
var mailHooks = []string{
	"/hook/authentication/verify-email/",
	"/hook/authentication/verify-change-email/",
	"/hook/authentication/magic-link/",
}

// hostileEnv serves every mail route: sending on, the code method,
// magic links with link_uri, a whitelist.
func hostileEnv(t testing.TB) *env {
	return newEnv(t, func(c *config) {
		c.opt.Local.Verification.SendEmail = true
		c.opt.Local.Verification.Method = "code"
		c.opt.MagicLink.Enabled = true
		c.opt.MagicLink.RedirectURI = welcome
		c.opt.MagicLink.LinkURI = "https://app.test/magic"
		c.opt.RedirectURIs.WhitelistedURIs = []string{"https://app.test/ok"}
	})
}

// hostileBodies are request bodies no route may answer with a 5xx.
var hostileBodies = []struct{ ctype, body string }{
	{"", "not json"}, {"", "{"}, {"", "[]"}, {"", `"str"`}, {"", "null"}, {"", "1e999"},
	{"", `{"email":1}`}, {"", `{"email":{"a":1}}`}, {"", `{"email":["a@example.com"]}`}, {"", `{"email":null}`},
	{"", `{"email":"a@example.com","redirectUri":5}`},
	{"", `{"email":"a@example.com","redirectUri":"javascript:alert(1)"}`},
	{"", `{"email":"a@example.com","redirectUri":"https://app.test/ok/{TOKEN}"}`},
	{"", `{"email":"a@example.com","redirectUri":"https://app.test/ok?x={APP_URL}"}`},
	{"", `{"email":"a@example.com","redirectUri":"https://app.test/ok\u0000"}`},
	{"", `{"email":"` + strings.Repeat("a", 100000) + `@example.com"}`},
	{"", `{"email":"\u0000@example.com"}`}, {"", `{"email":"a@example.com\r\nBcc: x@evil.test"}`},
	{"", `{"passwordResetToken":123,"password":true}`}, {"", `{"passwordResetToken":"","password":""}`},
	{"", `{"passwordResetToken":"` + strings.Repeat("x.", 5000) + `","password":"a long enough one"}`},
	{"", `{"email":"a@example.com","code":1234}`}, {"", `{"email":"a@example.com","code":"١٢٣٤"}`},
	{"", `{"email":"a@example.com","code":"` + strings.Repeat("9", 10000) + `"}`},
	{"", `{"newEmail":"x","redirectUri":"//evil.test"}`}, {"", `{"newEmail":"` + strings.Repeat("b", 300) + `@example.com"}`},
	{"", `{"oldPassword":"","newPassword":""}`}, {"", `{"oldPassword":1,"newPassword":[]}`},
	{"", "\xff\xfe{}"}, {"", `{"email":"\xff@example.com"}`},
	{"application/x-www-form-urlencoded", "email=%ff&redirectUri=%00"},
	{"text/plain", `{"email":"a@example.com"}`},
}

// malformedBodies are bodies no route can read: each gets a 4xx.
var malformedBodies = []struct{ ctype, body string }{
	{"", "not json"}, {"", "{"}, {"", "[]"}, {"", `"str"`}, {"", "1e999"}, {"", "\xff\xfe{}"},
	{"", `{"email":1,"passwordResetToken":1,"oldPassword":1,"newEmail":1}`},
	{"", `{"email":"\xff@example.com","newEmail":"\xff@example.com","passwordResetToken":"\xff"}`},
	{"text/plain", `{"email":"a@example.com"}`},
}

// TestMailRoutesHostileInput: hostile bodies and tokens never get a 5xx
// or a panic on a route of the mail flows, unreadable ones get a 4xx, and
// every error is in Conduit's shape (e.do checks it).
func TestMailRoutesHostileInput(t *testing.T) {
	e := hostileEnv(t)
	e.register(t, "alice@example.com")
	access := e.login(t, "alice@example.com").AccessToken
	for _, rt := range mailRoutes {
		token := ""
		if rt.user {
			token = access
		}
		for _, b := range hostileBodies {
			// Some are well-formed for some routes (unknown keys are
			// ignored, as Conduit's router ignores them): those may
			// succeed. None may fail on the server's side.
			r := e.do(t, request{method: http.MethodPost, path: rt.path, body: b.body, ctype: b.ctype, token: token})
			if r.status >= 500 {
				t.Errorf("POST %s %.60q: %d %.200s", rt.path, b.body, r.status, r.body)
			}
		}
		for _, b := range malformedBodies {
			r := e.do(t, request{method: http.MethodPost, path: rt.path, body: b.body, ctype: b.ctype, token: token})
			if (r.status < 400 || r.status >= 500) && !strings.Contains(rt.path, "magic-link/") {
				t.Errorf("POST %s %.60q: %d %.200s, want a 4xx", rt.path, b.body, r.status, r.body)
			}
		}
		if !strings.Contains(rt.path, "magic-link/") { // that route reads no body
			big := e.do(t, request{method: http.MethodPost, path: rt.path, body: `{"email":"` + strings.Repeat("a", 2<<20) + `"}`, token: token})
			wantStatus(t, big, http.StatusRequestEntityTooLarge)
		}
	}
	for _, hook := range mailHooks {
		for _, tok := range []string{"%00", strings.Repeat("a", 6000), "..%2F..%2Fetc", "a.b.c", "%E2%80%AE", "x?redirectUri=%00", "x?redirectUri=javascript:alert(1)",
			"eyJhbGciOiJub25lIn0.eyJ0eXBlIjoibWFnaWNMaW5rIn0."} {
			r := e.get(t, hook+tok)
			if r.status < 400 || r.status >= 500 {
				t.Errorf("GET %s%.60s: %d %.200s", hook, tok, r.status, r.body)
			}
		}
	}
}

// FuzzMailRoutes posts fuzzed bodies to the guest mail routes and fuzzed
// tokens to the hooks, in process: never a 5xx, always Conduit's error
// shape.
func FuzzMailRoutes(f *testing.F) {
	for _, b := range hostileBodies {
		f.Add(b.body, "tok")
	}
	f.Add(`{"email":"alice@example.com"}`, "a.b.c")
	e := hostileEnv(f)
	f.Fuzz(func(t *testing.T, body, token string) {
		for _, rt := range mailRoutes {
			if rt.user {
				continue
			}
			req := httptest.NewRequest(http.MethodPost, rt.path, strings.NewReader(body))
			req.Header.Set("Content-Type", "application/json")
			checkFuzzAnswer(t, e, req)
		}
		for _, hook := range mailHooks {
			checkFuzzAnswer(t, e, httptest.NewRequest(http.MethodGet, hook+url.PathEscape(token), nil))
		}
	})
}

// checkFuzzAnswer serves req and fails on a 5xx or an error body not in
// Conduit's shape.
func checkFuzzAnswer(t *testing.T, e *env, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	e.Handler.ServeHTTP(rec, req)
	if rec.Code >= 500 {
		t.Fatalf("%s %s: %d %s", req.Method, req.URL, rec.Code, rec.Body)
	}
	if rec.Code >= 400 {
		var b errorBody
		if err := json.Unmarshal(rec.Body.Bytes(), &b); err != nil || b.Status != rec.Code || b.Message == "" {
			t.Fatalf("%s %s: error body %s", req.Method, req.URL, rec.Body)
		}
	}
}
