package pocketbase_test

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// secretMarkers must never appear in a body the suite's own requests get
// back: a password hash, or the names of hidden fields.
var secretMarkers = []string{"$argon2", "tokenKey", `"password":"`, "passwordHash", "PasswordHash"}

// checkNoLeak fails if the body contains any of secrets.
func checkNoLeak(t testing.TB, what string, r response, secrets []string) {
	t.Helper()
	for _, secret := range secrets {
		if strings.Contains(r.body, secret) {
			t.Errorf("%s: body leaks %q: %s", what, secret, r.body)
		}
	}
}

// checkResponse asserts what holds for every response of the surface:
// PocketBase's security headers, JSON bodies written its way and errors
// in its shape.
func checkResponse(t testing.TB, what string, r response) {
	t.Helper()
	for k, v := range map[string]string{
		"X-Content-Type-Options": "nosniff",
		"X-Frame-Options":        "SAMEORIGIN",
		"X-Xss-Protection":       "1; mode=block",
	} {
		if got := r.header.Get(k); got != v {
			t.Errorf("%s: header %s = %q, want %q", what, k, got, v)
		}
	}
	if vary := r.header.Values("Vary"); len(vary) == 0 || vary[0] != "Origin" {
		t.Errorf("%s: Vary = %v, want Origin first", what, vary)
	}
	if r.status == http.StatusNoContent {
		if r.body != "" {
			t.Errorf("%s: 204 with body %q", what, r.body)
		}
		return
	}
	if got := r.header.Get("Content-Type"); got != "application/json" {
		t.Errorf("%s: Content-Type = %q, want application/json", what, got)
	}
	if !strings.HasSuffix(r.body, "\n") || strings.Count(r.body, "\n") != 1 || !json.Valid([]byte(r.body)) {
		t.Errorf("%s: body is not one compact JSON line: %q", what, r.body)
	}
	if r.status >= 400 {
		m := errorShape.FindStringSubmatch(r.body)
		if m == nil {
			t.Errorf("%s: error body not in PocketBase's shape: %q", what, r.body)
		} else if m[1] != itoa(r.status) {
			t.Errorf("%s: body status %s, HTTP status %d", what, m[1], r.status)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// jsonString encodes s the way the surface does.
func jsonString(s string) string {
	var buf bytes.Buffer
	_ = json.NewEncoder(&buf).Encode(s)
	return strings.TrimSuffix(buf.String(), "\n")
}

// errBody is the exact body of an error.
func errBody(status int, msg, data string) string {
	return `{"data":` + data + `,"message":` + jsonString(msg) + `,"status":` + itoa(status) + "}\n"
}

// wantError asserts an exact error response.
func wantError(t testing.TB, r response, status int, msg, data string) {
	t.Helper()
	if want := errBody(status, msg, data); r.status != status || r.body != want {
		t.Errorf("got %d %s\nwant %d %s", r.status, r.body, status, want)
	}
}

// wantStatus asserts the status only.
func wantStatus(t testing.TB, r response, status int) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status = %d, want %d; body %s", r.status, status, r.body)
	}
}

// fieldCode returns data.<field>.code of an error body.
func fieldCode(t testing.TB, r response, field string) string {
	t.Helper()
	var e struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	return e.Data[field].Code
}

// wantFields asserts an error's data names exactly the given fields with
// the given codes.
func wantFields(t testing.TB, r response, status int, msg string, codes map[string]string) {
	t.Helper()
	var e struct {
		Data map[string]struct {
			Code string `json:"code"`
		} `json:"data"`
		Message string `json:"message"`
	}
	if err := json.Unmarshal([]byte(r.body), &e); err != nil {
		t.Fatalf("error body %q: %v", r.body, err)
	}
	got := map[string]string{}
	for k, v := range e.Data {
		got[k] = v.Code
	}
	if r.status != status || e.Message != msg || !equalMaps(got, codes) {
		t.Errorf("got %d %s\nwant %d %q with codes %v", r.status, r.body, status, msg, codes)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// decode unmarshals a JSON body into v.
func decode(t testing.TB, body string, v any) {
	t.Helper()
	if err := json.Unmarshal([]byte(body), v); err != nil {
		t.Fatalf("decode %q: %v", body, err)
	}
}

// objectKeys returns the keys of a JSON object in wire order.
func objectKeys(t testing.TB, raw []byte) []string {
	t.Helper()
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		t.Fatalf("not a JSON object: %s", raw)
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			t.Fatal(err)
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			t.Fatal(err)
		}
	}
	return keys
}

// authBody is an auth response.
type authBody struct {
	Record json.RawMessage `json:"record"`
	Token  string          `json:"token"`
}

// record is the decoded record model.
type record struct {
	Avatar          *string `json:"avatar"`
	CollectionID    string  `json:"collectionId"`
	CollectionName  string  `json:"collectionName"`
	Created         string  `json:"created"`
	Email           *string `json:"email"`
	EmailVisibility bool    `json:"emailVisibility"`
	ID              string  `json:"id"`
	Name            *string `json:"name"`
	Updated         string  `json:"updated"`
	Verified        bool    `json:"verified"`
}

var (
	idPattern   = regexp.MustCompile(`^[a-z0-9]{15}$`)
	datePattern = regexp.MustCompile(`^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}\.\d{3}Z$`)
)

// userKeys and superuserKeys are the record keys in wire order.
var (
	userKeys          = []string{"avatar", "collectionId", "collectionName", "created", "email", "emailVisibility", "id", "name", "updated", "verified"}
	userKeysNoEmail   = []string{"avatar", "collectionId", "collectionName", "created", "emailVisibility", "id", "name", "updated", "verified"}
	superuserKeys     = []string{"collectionId", "collectionName", "created", "email", "emailVisibility", "id", "updated", "verified"}
	superuserKeysNoEm = []string{"collectionId", "collectionName", "created", "emailVisibility", "id", "updated", "verified"}
)

// checkRecord asserts a record's exact keys in order and its formats, and
// returns it decoded.
func checkRecord(t testing.TB, raw []byte, keys []string) record {
	t.Helper()
	if got := objectKeys(t, raw); !equalSlices(got, keys) {
		t.Errorf("record keys = %v, want %v", got, keys)
	}
	var rec record
	decode(t, string(raw), &rec)
	if !idPattern.MatchString(rec.ID) {
		t.Errorf("record id %q does not match [a-z0-9]{15}", rec.ID)
	}
	for _, d := range []string{rec.Created, rec.Updated} {
		if !datePattern.MatchString(d) {
			t.Errorf("record date %q not in PocketBase's format", d)
		}
	}
	return rec
}

func equalSlices(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// jwtParts decodes a token's header and payload.
func jwtParts(t testing.TB, token string) (header, payload map[string]any) {
	t.Helper()
	parts := strings.Split(token, ".")
	if len(parts) != 3 {
		t.Fatalf("token %q is not a compact JWS", token)
	}
	for i, dst := range []*map[string]any{&header, &payload} {
		b, err := base64.RawURLEncoding.DecodeString(parts[i])
		if err != nil {
			t.Fatalf("token segment %d: %v", i, err)
		}
		decode(t, string(b), dst)
	}
	return header, payload
}
