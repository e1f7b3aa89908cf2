package conduit_test

import (
	"net/http"
	"strings"
	"testing"
)

// FuzzBodies sends arbitrary bodies, content types and Authorization
// headers to every body route: whatever arrives, the answer is never a
// 5xx (but Conduit's documented USER_EXISTS 500) and always in
// Conduit's shape (checkResponse).
func FuzzBodies(f *testing.F) {
	e := newEnv(f, func(c *config) { c.BodyLimit = 8192; c.opt.Clients.MultipleUserSessions = true })
	e.register(f, "ada@example.com")
	tk := e.login(f, "ada@example.com")

	seeds := []string{
		credentials("ada@example.com", password), `{"email":"x@y.z","password":"p","userData":{"a":[1,{"b":null}]}}`,
		`{"userData":{"email":"e","_id":"i"}}`, `{"email":[1]}`, `{"userData":"{}"}`, `[`, "\xff", `{"a":"\u0000"}`,
		`{"email":"ada@example.com","password":"` + strings.Repeat("p", 100) + `"}`,
	}
	for i, s := range seeds {
		f.Add(uint8(i), "application/json", s, "")
	}
	f.Add(uint8(0), "text/plain; charset=\xff", "{}", "Bearer x.y.z")
	f.Add(uint8(2), "", "", "Bearer "+tk.RefreshToken)
	f.Add(uint8(4), "", "", "Bearer "+tk.AccessToken)
	f.Add(uint8(5), "application/json", `{"userData":{"k":"v"}}`, "Bearer "+tk.AccessToken)
	f.Add(uint8(3), "", "", "Bearer  "+tk.AccessToken)
	f.Add(uint8(1), "application/x-www-form-urlencoded", "email=ada%40example.com&password=x", "")
	f.Fuzz(func(t *testing.T, route uint8, ctype, body, auth string) {
		rt := bodyRoutes[int(route)%len(bodyRoutes)]
		if !headerSafe(ctype) || !headerSafe(auth) {
			return // the client cannot send it
		}
		req := request{method: rt.method, path: rt.path, ctype: ctype, body: body}
		if auth != "" {
			req.header = map[string]string{"Authorization": auth}
		}
		if body != "" && ctype == "" {
			req.ctype = "application/json"
		}
		r := e.do(t, req)
		if r.status == 500 && strings.Contains(r.body, `"conduitCode":"USER_EXISTS"`) {
			return // Conduit's documented 500 for a taken email
		}
		if r.status >= 500 {
			t.Fatalf("%s %s (%q, auth %q) = %d %s", rt.method, rt.path, body, auth, r.status, r.body)
		}
		if r.status != http.StatusOK && r.status < 400 {
			t.Fatalf("%s %s = unexpected %d", rt.method, rt.path, r.status)
		}
	})
}

// headerSafe reports whether Go's client sends v as a header value.
func headerSafe(v string) bool {
	return !strings.ContainsFunc(v, func(r rune) bool { return (r < 0x20 && r != '\t') || r == 0x7f })
}
