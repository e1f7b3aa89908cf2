package pocketbase_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// fuzzRoutes are the routes that read a body; {id} is the fuzz user.
var fuzzRoutes = []struct{ method, path string }{
	{"POST", "/api/collections/users/auth-with-password"},
	{"POST", "/api/collections/_superusers/auth-with-password"},
	{"POST", "/api/collections/users/auth-refresh"},
	{"POST", "/api/collections/users/request-verification"},
	{"POST", "/api/collections/users/confirm-verification"},
	{"POST", "/api/collections/users/request-password-reset"},
	{"POST", "/api/collections/users/confirm-password-reset"},
	{"POST", "/api/collections/users/request-email-change"},
	{"POST", "/api/collections/users/confirm-email-change"},
	{"POST", "/api/collections/users/impersonate/{id}"},
	{"POST", "/api/collections/users/records"},
	{"POST", "/api/collections/_superusers/records"},
	{"PATCH", "/api/collections/users/records/{id}"},
}

// fuzzEnv is a surface with one user and one superuser to act as.
type fuzzEnv struct {
	*env
	userID string
	tokens []string // guest, user, superuser
	// hashes are the stored password hashes. Fuzzed input is echoed in
	// places (a name, an unknown key), so the leak check looks for what
	// only the server knows rather than for marker strings.
	hashes []string
}

func newFuzzEnv(t testing.TB) *fuzzEnv {
	t.Helper()
	e := newEnv(t)
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
	return &fuzzEnv{env: e, userID: id, tokens: []string{"", user, super}, hashes: hashes}
}

// serve runs one request through the handler in process and checks the
// answer is a well-formed non-5xx response.
func (fe *fuzzEnv) serve(t *testing.T, req *http.Request) {
	t.Helper()
	rec := httptest.NewRecorder()
	fe.Handler.ServeHTTP(rec, req)
	res := response{status: rec.Code, header: rec.Result().Header, body: rec.Body.String()}
	if res.status >= 500 {
		t.Fatalf("%s %s: status %d, body %s", req.Method, req.URL, res.status, res.body)
	}
	checkResponse(t, req.Method+" "+req.URL.String(), res)
	checkNoLeak(t, req.Method+" "+req.URL.String(), res, fe.hashes)
	if res.status == 200 {
		var v map[string]any
		if err := json.Unmarshal([]byte(res.body), &v); err != nil {
			t.Fatalf("200 body is not a JSON object: %q", res.body)
		}
	}
}

func FuzzAuthRoutes(f *testing.F) {
	seeds := []struct{ ctype, body string }{
		{"application/json", `{"identity":"fuzz@example.com","password":"password123"}`},
		{"application/json", `{"email":"fuzz@example.com"}`},
		{"application/json", `{"email":"new@example.com","password":"password123","passwordConfirm":"password123","name":"N"}`},
		{"application/json", `{"newEmail":"other@example.com"}`},
		{"application/json", `{"token":"a.b.c","password":"password123","passwordConfirm":"password123"}`},
		{"application/json", `{"duration":60}`},
		{"application/json", `{"duration":-1e400}`},
		{"application/json", `{"identity":123}`},
		{"application/json", `{"identity":`},
		{"application/json", `[1,2]`},
		{"application/json", "{\"a\":\"\xff\"}"},
		{"application/json", ""},
		{"application/json; charset=utf-8", `{"verified":true,"emailVisibility":"yes"}`},
		{"application/x-www-form-urlencoded", "identity=fuzz%40example.com&password=password123"},
		{"application/x-www-form-urlencoded", "a=%zz&b"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"@jsonPayload\"\r\n\r\n{\"identity\":\"fuzz@example.com\",\"password\":\"password123\"}\r\n--XX--\r\n"},
		{"multipart/form-data; boundary=XX", "--XX\r\nContent-Disposition: form-data; name=\"avatar\"; filename=\"a.png\"\r\n\r\nPNG\r\n--XX--\r\n"},
		{"multipart/form-data", "--XX\r\n"},
		{"application/xml", `<r><identity>fuzz@example.com</identity><password>password123</password></r>`},
		{"text/xml", `<!DOCTYPE r [<!ENTITY x "y">]><r><a>&x;</a></r>`},
		{"text/plain", "hello"},
		{"", `{"a":1}`},
	}
	for i, s := range seeds {
		f.Add(uint8(i), uint8(i), s.ctype, []byte(s.body))
	}
	fe := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, route, auth uint8, ctype string, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		path := strings.ReplaceAll(rt.path, "{id}", fe.userID)
		req := httptest.NewRequest(rt.method, path, strings.NewReader(string(body)))
		if len(body) == 0 {
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

func FuzzListQuery(f *testing.F) {
	for _, s := range [][3]string{
		{`email ~ 'ali'`, "-created", "id,email"},
		{`verified = false && created > '2000-01-01'`, "email,-updated", "*"},
		{`(id = @request.auth.id || name != null)`, "+name", "items.id"},
		{`((((`, "--", ":::"},
		{`email = "a\"b"`, "nope", "a.b.c.d"},
		{`created >= '2006-01-02 15:04:05.000Z' && updated <= 1`, "", ""},
	} {
		f.Add(s[0], s[1], s[2], uint8(2))
	}
	fe := newFuzzEnv(f)
	f.Fuzz(func(t *testing.T, filter, sort, fields string, auth uint8) {
		q := url.Values{"filter": {filter}, "sort": {sort}, "fields": {fields}, "perPage": {"5"}}
		req := httptest.NewRequest("GET", "/api/collections/users/records?"+q.Encode(), nil)
		if tok := fe.tokens[int(auth)%len(fe.tokens)]; tok != "" {
			req.Header.Set("Authorization", tok)
		}
		fe.serve(t, req)
	})
}
