package conduit_test

import (
	"net/http"
	"strings"
	"testing"
)

// fuzzRoutes are the 2FA and OAuth2 routes; a path ending in "?" takes
// the fuzzed query.
var fuzzRoutes = []struct{ method, path string }{
	{http.MethodPost, "/authentication/twoFa/authorize"},
	{http.MethodPost, "/authentication/twoFa/verify"},
	{http.MethodPost, "/authentication/twoFa/recover"},
	{http.MethodPut, "/authentication/twoFa/enable"},
	{http.MethodPost, "/authentication/twoFa/enable/verify"},
	{http.MethodPut, "/authentication/twoFa/disable"},
	{http.MethodGet, "/authentication/twoFa/generate"},
	{http.MethodGet, "/authentication/init/idp?"},
	{http.MethodGet, "/hook/authentication/idp?"},
	{http.MethodPost, "/hook/authentication/idp?"},
}

// FuzzTwoFAAndOAuth sends arbitrary bodies, queries, content types and
// tokens (none, a pending one, a full one, a forged one) to every 2FA
// and OAuth2 route: the answer is never a 5xx, always in Conduit's shape
// (checkResponse), and a second factor is never passed by a made-up code.
func FuzzTwoFAAndOAuth(f *testing.F) {
	e, _ := oauthEnv(f, nil)
	id := e.register(f, "fuzz@example.com")
	e.markVerified(f, id)
	secret := e.enable2FA(f, id, e.login(f, "fuzz@example.com").AccessToken)
	pending := e.pendingLogin(f, "fuzz@example.com")
	full := e.verified(f, "fuzz@example.com", secret)
	toks := []string{"", pending, full.AccessToken, "a.b.c"}
	seeds := []struct{ body, query string }{
		{`{"code":"123456"}`, "redirectUri=https%3A%2F%2Fapp.example.com%2Foauth%2Fdone"},
		{`{"code":"1234 5678"}`, "code=good&state=x"}, {`{"method":"authenticator"}`, "redirectUri=javascript:x"},
		{`{"method":"sms","phoneNumber":"1"}`, "scopes[]=a&scopes[]=b"}, {`{"code":[1]}`, "state=%ff"},
		{`code=1&state=2`, "error=access_denied&state=a.b.c"}, {"\xff", "redirectUri=" + strings.Repeat("a", 3000)},
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), "application/json", s.body, s.query)
	}
	f.Add(uint8(9), uint8(0), "application/x-www-form-urlencoded", "code=good&state=x", "")
	f.Fuzz(func(t *testing.T, route, tok uint8, ctype, body, query string) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		if !headerSafe(ctype) || strings.ContainsAny(query, " #\x00") || strings.ContainsFunc(query, func(r rune) bool { return r < 0x20 || r >= 0x7f }) {
			return // the client cannot send it
		}
		path := rt.path
		if strings.HasSuffix(path, "?") {
			path += query
		}
		req := request{method: rt.method, path: path, ctype: ctype, body: body, token: toks[int(tok)%len(toks)]}
		if body != "" && ctype == "" {
			req.ctype = "application/json"
		}
		r := e.do(t, req)
		if r.status >= 500 {
			t.Fatalf("%s %s (%q) = %d %s", rt.method, path, body, r.status, r.body)
		}
		if r.status == 200 && (rt.path == "/authentication/twoFa/verify" || rt.path == "/authentication/twoFa/recover") {
			t.Fatalf("%s with %q passed the second factor: %s", rt.path, body, r.body)
		}
	})
}
