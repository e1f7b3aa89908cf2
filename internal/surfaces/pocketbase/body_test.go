package pocketbase_test

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

// part is one multipart part; a filename makes it a file.
type part struct{ name, filename, value string }

func multipartBody(t testing.TB, parts ...part) (ctype, body string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, p := range parts {
		var w io.Writer
		var err error
		if p.filename != "" {
			w, err = mw.CreateFormFile(p.name, p.filename)
		} else {
			w, err = mw.CreateFormField(p.name)
		}
		if err != nil {
			t.Fatal(err)
		}
		if _, err := io.WriteString(w, p.value); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	return mw.FormDataContentType(), buf.String()
}

const loginPath = "/api/collections/users/auth-with-password"

func TestBodyUnreadable(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	unsupported := errBody(400, "Unsupported Content-Type.", `{}`)
	load := errBody(400, msgLoad, `{}`)
	tests := []struct {
		name, ctype, body, want string
	}{
		{"text plain", "text/plain", `{"identity":"a@example.com"}`, unsupported},
		{"json suffix type", "application/merge-patch+json", `{}`, unsupported},
		{"garbage type", ";;", `{}`, unsupported},
		{"broken json", "application/json", `{"identity":`, load},
		{"json array", "application/json", `[]`, load},
		{"json array of object", "application/json", `[{"identity":"a@example.com"}]`, load},
		{"json string", "application/json", `"x"`, load},
		{"json null", "application/json", `null`, load},
		{"trailing data", "application/json", `{"identity":"a"} {}`, load},
		{"wrong type number", "application/json", `{"identity":123,"password":"password123"}`, load},
		{"wrong type bool", "application/json", `{"identity":"a@example.com","password":true}`, load},
		{"wrong type object", "application/json", `{"identity":{"a":1},"password":"x"}`, load},
		{"wrong type array", "application/json", `{"identity":["a"],"password":"x"}`, load},
		{"invalid utf8 json", "application/json", "{\"identity\":\"a\xff\",\"password\":\"x\"}", load},
		{"invalid utf8 form", "application/x-www-form-urlencoded", "identity=a%ff&password=x", load},
		{"repeated form key", "application/x-www-form-urlencoded", "identity=a&identity=b&password=x", load},
		{"bad form escape", "application/x-www-form-urlencoded", "identity=%zz", load},
		{"nested xml", "application/xml", "<r><identity><x>1</x></identity></r>", load},
		{"xml doctype", "text/xml", `<!DOCTYPE r [<!ENTITY a "b">]><r><identity>&a;</identity></r>`, load},
		{"multipart no boundary", "multipart/form-data", "--x\r\n", load},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(t, request{method: "POST", path: loginPath, ctype: tt.ctype, body: tt.body})
			if r.status != 400 || r.body != tt.want {
				t.Errorf("got %d %q, want %q", r.status, r.body, tt.want)
			}
		})
	}
}

// An empty body is "no fields" whatever its Content-Type: the route's
// own validation answers.
func TestBodyEmpty(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	want := errBody(400, msgValidation, `{"identity":`+required+`,"password":`+required+`}`)
	for _, ct := range []string{"", "application/json", "text/plain", "application/x-www-form-urlencoded"} {
		r := e.do(t, request{method: "POST", path: loginPath, ctype: ct})
		if r.body != want {
			t.Errorf("Content-Type %q: got %d %q, want %q", ct, r.status, r.body, want)
		}
	}
	// A JSON body of only whitespace is not empty: it is broken JSON.
	r := e.do(t, request{method: "POST", path: loginPath, ctype: "application/json", body: " "})
	wantError(t, r, 400, msgLoad, `{}`)
}

func TestBodyFormats(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "password123")
	mpJSON, mpJSONBody := multipartBody(t, part{name: "@jsonPayload", value: `{"identity":"alice@example.com","password":"password123"}`})
	mpFields, mpFieldsBody := multipartBody(t, part{name: "identity", value: "alice@example.com"}, part{name: "password", value: "password123"})
	mpMixed, mpMixedBody := multipartBody(t, part{name: "identity", value: "bob@example.com"},
		part{name: "@jsonPayload", value: `{"identity":"alice@example.com","password":"password123"}`})
	tests := []struct{ name, ctype, body string }{
		{"json", "application/json", `{"identity":"alice@example.com","password":"password123"}`},
		{"json charset", "application/json; charset=utf-8", `{"identity":"alice@example.com","password":"password123"}`},
		{"json null field ignored", "application/json", `{"identity":"alice@example.com","password":"password123","identityField":null}`},
		{"form", "application/x-www-form-urlencoded", "identity=alice%40example.com&password=password123"},
		{"multipart json payload", mpJSON, mpJSONBody},
		{"multipart fields", mpFields, mpFieldsBody},
		{"multipart payload wins", mpMixed, mpMixedBody},
		{"xml", "application/xml", `<?xml version="1.0"?><login><identity>alice@example.com</identity><password>password123</password></login>`},
		{"text xml", "text/xml", `<r><identity>alice@example.com</identity><password>password123</password></r>`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := e.do(t, request{method: "POST", path: loginPath, ctype: tt.ctype, body: tt.body})
			wantStatus(t, r, 200)
			var ab authBody
			decode(t, r.body, &ab)
			if rec := checkRecord(t, ab.Record, userKeys); *rec.Email != "alice@example.com" {
				t.Errorf("logged in as %q", *rec.Email)
			}
		})
	}
}

func TestBodyFormSignUp(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	r := e.do(t, request{method: "POST", path: "/api/collections/users/records", ctype: "application/x-www-form-urlencoded",
		body: "email=form%40example.com&password=password123&passwordConfirm=password123&emailVisibility=true&name=Form"})
	wantStatus(t, r, 200)
	rec := checkRecord(t, []byte(r.body), userKeys)
	if !rec.EmailVisibility || *rec.Name != "Form" || *rec.Email != "form@example.com" {
		t.Errorf("record = %s", r.body)
	}
	r = e.do(t, request{method: "POST", path: "/api/collections/users/records", ctype: "application/x-www-form-urlencoded",
		body: "email=form2%40example.com&password=password123&passwordConfirm=password123&emailVisibility=maybe"})
	wantError(t, r, 400, msgLoad, `{}`)
}

func TestBodyFileParts(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	fileErr := `{"avatar":{"code":"validation_invalid_value","message":"File uploads are not supported."}}`
	ct, body := multipartBody(t,
		part{name: "email", value: "file@example.com"}, part{name: "password", value: "password123"},
		part{name: "passwordConfirm", value: "password123"}, part{name: "avatar", filename: "me.png", value: "\x89PNG"})
	r := e.do(t, request{method: "POST", path: "/api/collections/users/records", ctype: ct, body: body})
	wantError(t, r, 400, msgLoad, fileErr)

	ct, body = multipartBody(t, part{name: "identity", value: "a@example.com"}, part{name: "avatar", filename: "x", value: "y"})
	r = e.do(t, request{method: "POST", path: loginPath, ctype: ct, body: body})
	wantError(t, r, 400, msgLoad, fileErr)

	// An avatar sent as a plain value is not a file either.
	r = e.post(t, "/api/collections/users/records", "",
		`{"email":"file@example.com","password":"password123","passwordConfirm":"password123","avatar":"me.png"}`)
	wantError(t, r, 400, "Failed to create record.", fileErr)
}

func TestBodyLimit(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, func(c *config) { c.BodyLimit = 1024 })
	e.signUp(t, "alice@example.com", "password123")
	tooLarge := errBody(413, "Request entity too large.", `{}`)
	big := `{"identity":"alice@example.com","password":"password123","pad":"` + strings.Repeat("x", 1024) + `"}`
	small := `{"identity":"alice@example.com","password":"password123"}`

	r := e.post(t, loginPath, "", big)
	if r.status != 413 || r.body != tooLarge {
		t.Errorf("known length: got %d %q, want %q", r.status, r.body, tooLarge)
	}
	// Without a Content-Length (chunked) the limit is found while reading.
	req, err := http.NewRequest("POST", e.URL+loginPath, io.MultiReader(strings.NewReader(big)))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := e.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 413 || string(got) != tooLarge {
		t.Errorf("chunked: got %d %q, want %q", res.StatusCode, got, tooLarge)
	}
	// Unsupported types are refused before reading, whatever the size.
	r = e.do(t, request{method: "POST", path: loginPath, ctype: "text/plain", body: big})
	if r.status != 400 && r.status != 413 {
		t.Errorf("big text/plain: status %d", r.status)
	}
	wantStatus(t, e.post(t, loginPath, "", small), 200)
}
