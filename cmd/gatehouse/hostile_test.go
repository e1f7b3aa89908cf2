package main

import (
	"bytes"
	"fmt"
	"net/url"
	"strings"
	"testing"
)

// hostileRoute is one body-reading route under /api/collections/users/,
// with the field it reads first (so malformed values land where they are
// actually parsed).
type hostileRoute struct {
	name, method, path, field string
	auth                      bool // send the user's token
}

// noCType asks for a request with no Content-Type header at all.
const noCType = "-"

// Messages the decoder answers with, whatever the route.
const (
	msgUnsupported = "Unsupported Content-Type."
	msgLoadData    = "An error occurred while loading the submitted data."
)

// hostilePayload is one attack body. want overrides the expected status
// for the routes where the input is acceptable; every other route must
// answer 400.
type hostilePayload struct {
	name  string
	ctype string // "" is application/json
	body  func(field string) []byte
	want  map[string]int
	msg   string // the exact error message, when every route agrees
	check func(t *testing.T, route string, r response)
}

// Long emails around the 254-byte limit.
var (
	email254 = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 57) + ".com"
	email255 = strings.Repeat("a", 64) + "@" + strings.Repeat("b", 63) + "." + strings.Repeat("c", 63) + "." + strings.Repeat("d", 58) + ".com"
)

// fixedBody returns a body builder that ignores the field.
func fixedBody(s string) func(string) []byte { return func(string) []byte { return []byte(s) } }

// withField returns a body builder that formats the field name into s.
func withField(format string) func(string) []byte {
	return func(f string) []byte { return []byte(fmt.Sprintf(format, f)) }
}

func hostilePayloads() []hostilePayload {
	escaped := func(t *testing.T, route string, r response) {
		if !strings.Contains(r.Raw, `\u003cscript\u003e`) {
			t.Errorf("%s: <script> not echoed as \\u003cscript\\u003e: %.300s", route, r.Raw)
		}
	}
	acceptsEmail := map[string]int{"request-verification": 204, "request-password-reset": 204, "request-email-change": 204}
	return []hostilePayload{
		{name: "text/plain", ctype: "text/plain", body: withField(`{"%s":"x@example.com"}`), msg: msgUnsupported},
		{name: "octet-stream", ctype: "application/octet-stream", body: withField(`{"%s":"x@example.com"}`), msg: msgUnsupported},
		{name: "no content type", ctype: noCType, body: withField(`{"%s":"x@example.com"}`), msg: msgUnsupported},
		{name: "open brace", body: fixedBody(`{`), msg: msgLoadData},
		{name: "missing value", body: fixedBody(`{"a":}`), msg: msgLoadData},
		{name: "array", body: fixedBody(`[]`), msg: msgLoadData},
		{name: "string", body: fixedBody(`"str"`), msg: msgLoadData},
		{name: "null", body: fixedBody(`null`), msg: msgLoadData},
		{name: "trailing garbage", body: fixedBody(`{"a":1}x`), msg: msgLoadData},
		{name: "number field", body: withField(`{"%s":123}`), msg: msgLoadData},
		{name: "array field", body: withField(`{"%s":["a"]}`), msg: msgLoadData},
		{name: "object field", body: withField(`{"%s":{"x":1}}`), msg: msgLoadData},
		{name: "bool password", body: fixedBody(`{"password":true}`)},
		{name: "bad utf8 in string", body: func(f string) []byte { return []byte(`{"` + f + "\":\"a\xff\xfe@example.com\"}") }, msg: msgLoadData},
		{name: "bad utf8 raw", body: fixedBody("\xff\xfe\xfd\x00\x80"), msg: msgLoadData},
		{name: "100k email", body: func(f string) []byte {
			return []byte(`{"` + f + `":"` + strings.Repeat("a", 100_000-12) + `@example.com"}`)
		}},
		{name: "255-char email", body: withField(`{"%s":"` + email255 + `","password":"hostile password 1","passwordConfirm":"hostile password 1"}`),
			check: func(t *testing.T, route string, r response) {
				if route == "create" && r.str("data.email.code") != "validation_is_email" {
					t.Errorf("sign-up with a 255-char email: want data.email.code validation_is_email, got %.300s", r.Raw)
				}
			}},
		{name: "escaped NUL", body: withField(`{"%s":"a\u0000b@example.com","password":"a\u0000b"}`)},
		{name: "raw NUL", body: func(f string) []byte { return []byte(`{"` + f + "\":\"a\x00b@example.com\"}") }, msg: msgLoadData},
		{name: "control chars", body: withField(`{"%s":"\u0007\u001b[31mx@example.com\u007f"}`)},
		{name: "CRLF header injection", body: withField(`{"%s":"alice@example.com\r\nBcc: evil@example.com"}`)},
		{name: "sql or", body: withField(`{"%s":"' OR 1=1 --","password":"' OR ''='"}`)},
		{name: "sql-shaped valid email", body: withField(`{"%s":"x'OR'1'='1@example.com"}`), want: acceptsEmail},
		{name: "well-formed unknown email", body: withField(`{"%s":"nobody@example.com","zzz":1}`), want: acceptsEmail},
		{name: "script value", body: withField(`{"%s":"<script>alert(1)</script>@example.com"}`)},
		{name: "script name", body: fixedBody(`{"name":"<script>alert(1)</script>"}`), want: map[string]int{"update": 200},
			check: func(t *testing.T, route string, r response) {
				if route == "update" {
					escaped(t, route, r)
				}
			}},
		{name: "script key", body: fixedBody(`{"<script>":1}`),
			check: func(t *testing.T, route string, r response) {
				if route == "create" || route == "update" {
					escaped(t, route, r) // the unknown key is named in data
				}
			}},
		{name: "nested 10000", body: func(f string) []byte {
			return []byte(`{"` + f + `":` + strings.Repeat("[", 10_000) + strings.Repeat("]", 10_000) + `}`)
		}, msg: msgLoadData},
		{name: "10000 keys", body: func(string) []byte {
			var b bytes.Buffer
			b.WriteByte('{')
			for i := range 10_000 {
				if i > 0 {
					b.WriteByte(',')
				}
				fmt.Fprintf(&b, `"k%d":%d`, i, i)
			}
			b.WriteByte('}')
			return b.Bytes()
		}},
		{name: "duplicated keys", body: withField(`{"%[1]s":"dup@example.com","%[1]s":"not-an-email"}`)},
		{name: "unknown keys", body: fixedBody(`{"zzz":"1","__proto__":{"admin":true},"constructor":1}`)},
	}
}

// TestHostileInputs plays a hostile client against every body-reading
// route: nothing may answer 5xx, leak a hash or a stack trace, or take the
// server down, and every refusal is PocketBase's error JSON.
func TestHostileInputs(t *testing.T) {
	t.Parallel()
	ts := startServer(t, serverOpts{})
	_, admin := ts.superuser(t)
	alice := ts.newAttackUser(t, "alice@example.com", "alice password 1")
	ts.newAttackUser(t, "bob@example.com", "bob password 1")

	const base = "/api/collections/users/"
	routes := []hostileRoute{
		{name: "auth-with-password", method: "POST", path: base + "auth-with-password", field: "identity"},
		{name: "request-verification", method: "POST", path: base + "request-verification", field: "email"},
		{name: "confirm-verification", method: "POST", path: base + "confirm-verification", field: "token"},
		{name: "request-password-reset", method: "POST", path: base + "request-password-reset", field: "email"},
		{name: "confirm-password-reset", method: "POST", path: base + "confirm-password-reset", field: "token"},
		{name: "request-email-change", method: "POST", path: base + "request-email-change", field: "newEmail", auth: true},
		{name: "confirm-email-change", method: "POST", path: base + "confirm-email-change", field: "token"},
		{name: "create", method: "POST", path: base + "records", field: "email"},
		{name: "update", method: "PATCH", path: base + "records/" + alice.ID, field: "email", auth: true},
	}

	for _, p := range hostilePayloads() {
		for _, rt := range routes {
			t.Run(p.name+"/"+rt.name, func(t *testing.T) {
				req := attackReq{Method: rt.method, Path: rt.path, CType: p.ctype}
				body := p.body(rt.field)
				req.Body, req.Size = bytes.NewReader(body), int64(len(body))
				switch p.ctype {
				case "":
					req.CType = "application/json"
				case noCType:
					req.CType = ""
				}
				if rt.auth {
					req.Headers = []string{"Authorization", alice.Token}
				}
				r := ts.send(t, req)
				if want, ok := p.want[rt.name]; ok {
					if r.Status != want {
						t.Errorf("status = %d, want %d; body %.300s", r.Status, want, r.Raw)
					}
				} else {
					checkAPIError(t, rt.name, r, 400, p.msg)
				}
				if p.check != nil {
					p.check(t, rt.name, r)
				}
				ts.checkHealthy(t, p.name)
			})
		}
	}

	for _, rt := range routes {
		for _, chunked := range []bool{false, true} {
			t.Run(fmt.Sprintf("over 32 MiB/%s/chunked=%v", rt.name, chunked), func(t *testing.T) {
				const size = 32<<20 + 1
				req := attackReq{Method: rt.method, Path: rt.path, Body: hugeJSONBody(rt.field, size), CType: "application/json"}
				if !chunked {
					req.Size = size
				}
				if rt.auth {
					req.Headers = []string{"Authorization", alice.Token}
				}
				checkAPIError(t, rt.name, ts.send(t, req), 413, "")
				ts.checkHealthy(t, "a 32 MiB body")
			})
		}
	}

	t.Run("email length boundary", func(t *testing.T) {
		body := func(email string) []byte {
			return []byte(`{"email":"` + email + `","password":"hostile password 1","passwordConfirm":"hostile password 1"}`)
		}
		r := ts.sendJSON(t, "POST", base+"records", body(email255))
		checkAPIError(t, "255-char sign-up", r, 400, "Failed to create record.")
		if r.str("data.email.code") != "validation_is_email" {
			t.Errorf("255-char sign-up: want validation_is_email, got %s", r.Raw)
		}
		if r := ts.sendJSON(t, "POST", base+"records", body(email254)); r.Status != 200 {
			t.Errorf("254-char sign-up: status %d, want 200; body %.300s", r.Status, r.Raw)
		}
	})

	t.Run("sign-up echoes markup escaped", func(t *testing.T) {
		r := ts.sendJSON(t, "POST", base+"records", []byte(`{"email":"markup@example.com","password":"hostile password 1",`+
			`"passwordConfirm":"hostile password 1","name":"<script>alert(1)</script>"}`))
		if r.Status != 200 || !strings.Contains(r.Raw, `"name":"\u003cscript\u003ealert(1)\u003c/script\u003e"`) {
			t.Errorf("sign-up with markup name: status %d, body %.300s", r.Status, r.Raw)
		}
	})

	hostileCollections(t, ts, admin)
	hostileQueries(t, ts, admin)

	if log := ts.stderr.String(); strings.Contains(log, "panic") {
		t.Errorf("server log mentions a panic:\n%s", log)
	}
}

// hostileCollections sends every route to collections that do not exist,
// including traversal-shaped and very long names: each answers the
// route's 404 JSON. Impersonate checks the superuser token first (as
// PocketBase's middleware does), so it is sent with admin's token, and a
// guest gets 401 there.
func hostileCollections(t *testing.T, ts *testServer, admin string) {
	routes := []struct{ method, rest, msg string }{
		{"GET", "auth-methods", "Missing or invalid collection context."},
		{"POST", "auth-with-password", "Missing or invalid collection context."},
		{"POST", "auth-refresh", "Missing or invalid collection context."},
		{"POST", "request-verification", "Missing or invalid collection context."},
		{"POST", "confirm-verification", "Missing or invalid collection context."},
		{"POST", "request-password-reset", "Missing or invalid collection context."},
		{"POST", "confirm-password-reset", "Missing or invalid collection context."},
		{"POST", "request-email-change", "Missing or invalid collection context."},
		{"POST", "confirm-email-change", "Missing or invalid collection context."},
		{"POST", "impersonate/abc", "Missing or invalid auth collection context."},
		{"GET", "records", "Missing collection context."},
		{"POST", "records", "Missing collection context."},
		{"GET", "records/abc", "Missing collection context."},
		{"PATCH", "records/abc", "Missing collection context."},
		{"DELETE", "records/abc", "Missing collection context."},
	}
	names := []string{
		"nope", "..%2f..", "..%2f..%2fusers", "%2e%2e", "..%5c..%5cusers", "users%00", "users%2f",
		"%20users", strings.Repeat("x", 10_000), url.PathEscape(strings.Repeat("é", 2000)),
	}
	for _, name := range names {
		for _, rt := range routes {
			t.Run("collection "+clip(name)+"/"+rt.method+" "+rt.rest, func(t *testing.T) {
				req := attackReq{Method: rt.method, Path: "/api/collections/" + name + "/" + rt.rest,
					Body: strings.NewReader(`{"email":"x@example.com"}`), Size: 25, CType: "application/json"}
				if strings.HasPrefix(rt.rest, "impersonate") {
					guest := req
					guest.Body = strings.NewReader(`{"email":"x@example.com"}`)
					checkAPIError(t, "guest "+rt.rest, ts.send(t, guest), 401, "The request requires valid record authorization token.")
					req.Headers = []string{"Authorization", admin}
				}
				r := ts.send(t, req)
				checkAPIError(t, rt.method+" "+rt.rest, r, 404, rt.msg)
			})
		}
	}
	ts.checkHealthy(t, "unknown collections")
}

// hostileQueries throws oversized and nonsensical paging, sorting,
// picking and filtering at the list route, as a guest and as a
// superuser, and tries SQL injection through the filter.
func hostileQueries(t *testing.T, ts *testServer, admin string) {
	const list = "/api/collections/users/records"
	queries := map[string]string{
		"huge fields":    "fields=" + strings.Repeat("a,", 50_000),
		"huge filter":    "filter=" + url.QueryEscape(strings.Repeat("email='x'||", 10_000)+"email='x'"),
		"deep filter":    "filter=" + url.QueryEscape(strings.Repeat("(", 5_000)+"email='x'"+strings.Repeat(")", 5_000)),
		"open parens":    "filter=" + strings.Repeat("(", 10_000),
		"huge sort":      "sort=" + strings.Repeat("-email,", 10_000),
		"sort injection": "sort=" + url.QueryEscape("email; DROP TABLE users; --"),
		"huge perPage":   "perPage=99999999",
		"negative page":  "page=-1",
		"overflow page":  "page=99999999999999999999",
		"far page":       "page=2147483647&perPage=1000",
		"negative size":  "perPage=-5&page=0",
		"junk paging":    "page=abc&perPage=1e9&skipTotal=maybe",
		"repeated":       strings.Repeat("page=2&", 1000),
	}
	for name, q := range queries {
		for _, auth := range []string{"", admin} {
			t.Run(fmt.Sprintf("list %s/superuser=%v", name, auth != ""), func(t *testing.T) {
				req := attackReq{Method: "GET", Path: list + "?" + q}
				if auth != "" {
					req.Headers = []string{"Authorization", auth}
				}
				r := ts.send(t, req)
				switch {
				case r.Status == 200:
					if _, ok := r.JSON["items"].([]any); !ok {
						t.Errorf("200 without an items list: %.300s", r.Raw)
					}
				case r.Status >= 400 && r.Status < 500:
					checkAPIError(t, name, r, r.Status, "")
				default:
					t.Errorf("status %d: %.300s", r.Status, r.Raw)
				}
			})
		}
	}
	ts.checkHealthy(t, "hostile list queries")

	admin2 := []string{"Authorization", admin}
	total := func(t *testing.T, filter string) (int, response) {
		t.Helper()
		r := ts.send(t, attackReq{Method: "GET", Path: list + "?filter=" + url.QueryEscape(filter), Headers: admin2})
		n, _ := r.JSON["totalItems"].(float64)
		return int(n), r
	}
	before, r := total(t, "")
	if r.Status != 200 || before < 2 {
		t.Fatalf("superuser list: status %d, %d users; body %.300s", r.Status, before, r.Raw)
	}
	injections := []string{
		`email = '' OR 1=1`,
		`email = "x"; DROP TABLE users; --`,
		`email = 'x' OR 'a'='a'`,
		`email = 'x\' OR \'1\'=\'1'`,
		`email = "x\" OR 1=1 --"`,
		`id = "" UNION SELECT password FROM users --`,
		`email = 'x') OR ('1'='1`,
		`email = 'x'/**/OR/**/1=1`,
		`password != ''`,
		`tokenKey != ''`,
		`email = 'x' || password ~ '$'`,
	}
	for _, f := range injections {
		t.Run("filter injection "+f, func(t *testing.T) {
			n, r := total(t, f)
			switch {
			case r.Status == 400:
				checkAPIError(t, f, r, 400, "")
			case r.Status == 200 && n == 0:
			default:
				t.Errorf("filter %q: status %d, %d items; want 400 or an empty list; body %.300s", f, r.Status, n, r.Raw)
			}
		})
	}
	if after, r := total(t, ""); r.Status != 200 || after != before {
		t.Errorf("after the injections: status %d, %d users, want %d", r.Status, after, before)
	}
	if n, r := total(t, "email = 'alice@example.com'"); r.Status != 200 || n != 1 {
		t.Errorf("filter by email after the injections: status %d, %d items: %.300s", r.Status, n, r.Raw)
	}
	ts.loginToken(t, "users", "alice@example.com", "alice password 1")
}
