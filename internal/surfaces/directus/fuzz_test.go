package directus_test

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzBodies sends arbitrary bodies, content types and token headers to
// every body route: whatever arrives, the answer is never a 5xx and
// always in Directus's shape (checkResponse).
func FuzzBodies(f *testing.F) {
	e := newEnv(f, func(c *config) { c.BodyLimit = 8192 })
	e.user(f, "ada@example.com")
	tk, _ := e.login(f, "ada@example.com", "json")

	seeds := []string{
		`{"email":"ada@example.com","password":"correct horse","mode":"cookie"}`,
		`{"mode":"session"}`, `{"refresh_token":"x"}`, `{"email":[1]}`, `{"first_name":null,"last_name":"L"}`,
		`{"token":"a.b.c","password":"new password"}`, `{"otp":"123456","secret":"AAAA"}`,
		`{"email":"ada@example.com","reset_url":"https://x/y?token={TOKEN}"}`, `[`, "\xff", `{"a":"\u0000"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), "application/json", s, "")
	}
	f.Add(uint8(len(bodyRoutes)-1), "application/json", `{"query":"mutation($p: String!) { auth_login(email: \"ada@example.com\", password: $p) { expires } }","variables":{"p":"x"}}`, "")
	f.Add(uint8(len(bodyRoutes)-1), "application/json", `{"query":"{ __schema { types { name } } }","operationName":null}`, "")
	f.Add(uint8(0), "text/plain; charset=\xff", "{}", "Bearer x.y.z")
	f.Add(uint8(6), "application/json", `{"password":"x","old_password":"y"}`, "bearer "+tk.AccessToken)
	f.Fuzz(func(t *testing.T, route uint8, ctype, body, auth string) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		req := request{method: rt.method, path: rt.path, ctype: ctype, body: body}
		if !headerSafe(ctype) || !headerSafe(auth) {
			return // the client cannot send it
		}
		if auth != "" {
			req.header = map[string]string{"Authorization": auth}
		}
		if body != "" && ctype == "" {
			req.ctype = "application/json"
		}
		r := e.do(t, req)
		if r.status >= 500 {
			t.Fatalf("%s %s (%q, auth %q) = %d %s", rt.method, rt.path, body, auth, r.status, r.body)
		}
		if r.status != http.StatusOK && r.status != http.StatusNoContent && r.status < 400 {
			t.Fatalf("%s %s = unexpected %d", rt.method, rt.path, r.status)
		}
	})
}

// headerSafe reports whether Go's client sends v as a header value.
func headerSafe(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f })
}
