package pocketbase_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// oauthFuzzRoutes are the OAuth2 routes that read a body.
var oauthFuzzRoutes = []string{
	"/api/collections/users/auth-with-oauth2",
	"/api/collections/_superusers/auth-with-oauth2",
	"/api/realtime",
}

// oauthFuzzQueries vary the query the way clients do.
var oauthFuzzQueries = []string{"", "?withRefreshToken=true", "?fields=meta.id,record.id", "?mfaId=zzzzzzzzzzzzzzz"}

// newOAuthFuzzEnv is a fuzzEnv with OAuth2 on: the "fake" provider
// exchanges the codes "ok", "linked" and "noemail", and a realtime stream
// is open whose client id replaces CLIENT in fuzzed bodies, so the
// fuzzer reaches the success paths as well as the failures.
func newOAuthFuzzEnv(t testing.TB) (*fuzzEnv, string) {
	t.Helper()
	p := surfacetest.NewProvider("fake", true)
	p.Set("ok", core.OAuthUser{ID: "o-1", Email: "ok@example.com", EmailVerified: true, Name: "OK", Raw: map[string]any{"a": []any{1.0, "b"}}})
	p.Set("linked", core.OAuthUser{ID: "o-2", Email: "fuzz@example.com", EmailVerified: true})
	p.Set("noemail", core.OAuthUser{ID: "o-3", Username: "u"})
	e := newOAuthEnv(t, nil, p)
	user, id := e.user(t, "fuzz@example.com")
	super, _ := e.superuser(t)
	var hashes []string
	for _, c := range []struct{ coll, email string }{{core.UsersID, "fuzz@example.com"}, {core.SuperusersID, rootEmail}} {
		u, err := e.db.UserByEmail(context.Background(), c.coll, c.email)
		if err != nil {
			t.Fatal(err)
		}
		hashes = append(hashes, u.PasswordHash[strings.LastIndexByte(u.PasswordHash, '$'):])
	}
	s := e.openStream(t)
	return &fuzzEnv{env: e, userID: id, tokens: []string{"", user, super}, hashes: hashes}, s.id
}

func FuzzOAuthRoutes(f *testing.F) {
	seeds := []struct {
		route uint8
		ctype string
		body  string
	}{
		{0, "application/json", `{"provider":"fake","code":"ok","codeVerifier":"v","redirectURL":"https://app.test/cb"}`},
		{0, "application/json", `{"provider":"fake","code":"linked","createData":{"name":"N","emailVisibility":true}}`},
		{0, "application/json", `{"provider":"fake","code":"noemail","redirectUrl":"x","mfaId":"zzzzzzzzzzzzzzz"}`},
		{0, "application/json", `{"provider":"fake","code":"token-fails"}`},
		{0, "application/json", `{"provider":"fake","code":"user-fails"}`},
		{0, "application/json", `{"provider":"nope","code":"ok"}`},
		{0, "application/json", `{"provider":"fake","code":"ok","createData":{"name":"` + strings.Repeat("n", 300) + `"}}`},
		{0, "application/json", `{"provider":"fake","code":"ok","createData":[1]}`},
		{0, "application/json", `{"provider":["fake"],"code":{"a":1}}`},
		{0, "application/x-www-form-urlencoded", "provider=fake&code=ok&createData=x"},
		{0, "multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"@jsonPayload\"\r\n\r\n{\"provider\":\"fake\",\"code\":\"ok\"}\r\n--XX--\r\n"},
		{1, "application/json", `{"provider":"fake","code":"ok"}`},
		{2, "application/json", `{"clientId":"CLIENT","subscriptions":["@oauth2"]}`},
		{2, "application/json", `{"clientId":"CLIENT","subscriptions":["@oauth2",1]}`},
		{2, "application/json", `{"clientId":"CLIENT","subscriptions":"@oauth2"}`},
		{2, "application/json", `{"clientId":"CLIENT","subscriptions":null}`},
		{2, "application/json", `{"clientId":"nope"}`},
		{2, "application/x-www-form-urlencoded", "clientId=CLIENT&subscriptions=%40oauth2"},
		{2, "application/xml", `<r><clientId>CLIENT</clientId></r>`},
		{2, "", `{"clientId":`},
	}
	for i, s := range seeds {
		f.Add(s.route, uint8(i), uint8(i), s.ctype, []byte(s.body))
	}
	fe, clientID := newOAuthFuzzEnv(f)
	f.Fuzz(func(t *testing.T, route, auth, query uint8, ctype string, body []byte) {
		path := oauthFuzzRoutes[int(route)%len(oauthFuzzRoutes)] + oauthFuzzQueries[int(query)%len(oauthFuzzQueries)]
		b := strings.ReplaceAll(string(body), "CLIENT", clientID)
		req := httptest.NewRequest(http.MethodPost, path, strings.NewReader(b))
		if len(b) == 0 {
			req.Body, req.ContentLength = http.NoBody, 0
		}
		if ctype != "" {
			req.Header.Set("Content-Type", ctype)
		}
		if tok := fe.tokens[int(auth)%len(fe.tokens)]; tok != "" {
			req.Header.Set("Authorization", tok)
		}
		fe.serve(t, req)
	})
}
