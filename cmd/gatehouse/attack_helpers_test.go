package main

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
)

// attackReq is a request built the way an attacker would: the body goes
// out byte for byte (or streamed), the Content-Type only when set, and
// any header may be anything.
type attackReq struct {
	Method, Path string
	Body         io.Reader
	// Size is the Content-Length to announce; 0 with a Body streams it
	// chunked, with no length at all.
	Size int64
	// CType is the Content-Type; empty sends none.
	CType   string
	Headers []string // name, value pairs
}

// send performs r without following redirects and checks the answer for
// anything that must never leak. Unlike ts.do it never fails on an odd
// body: the callers assert on it.
func (ts *testServer) send(t testing.TB, r attackReq) response {
	t.Helper()
	req, err := http.NewRequest(r.Method, ts.URL+r.Path, r.Body)
	if err != nil {
		t.Fatal(err)
	}
	if r.Body != nil {
		req.ContentLength = r.Size
	}
	if r.CType != "" {
		req.Header.Set("Content-Type", r.CType)
	}
	for i := 0; i+1 < len(r.Headers); i += 2 {
		req.Header.Set(r.Headers[i], r.Headers[i+1])
	}
	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(req)
	if err != nil {
		t.Fatalf("%s %.200s: %v", r.Method, r.Path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	out := response{Status: res.StatusCode, Header: res.Header, Raw: string(raw)}
	if len(raw) > 0 && strings.HasPrefix(res.Header.Get("Content-Type"), "application/json") {
		_ = json.Unmarshal(raw, &out.JSON) // a nil JSON is reported by the checks
	}
	checkNoLeak(t, r.Method+" "+clip(r.Path), out)
	return out
}

// sendJSON posts (or patches) a raw body with the JSON Content-Type.
func (ts *testServer) sendJSON(t testing.TB, method, path string, body []byte, headers ...string) response {
	t.Helper()
	return ts.send(t, attackReq{Method: method, Path: path, Body: bytes.NewReader(body),
		Size: int64(len(body)), CType: "application/json", Headers: headers})
}

// leakMarkers must never appear in a response: password hashes, Go stack
// traces and panics, and unescaped markup echoed from input.
var leakMarkers = []string{"$argon2", "goroutine ", ".go:", "panic", "<script"}

// checkNoLeak fails if a response carries a 5xx or any leak marker.
func checkNoLeak(t testing.TB, what string, r response) {
	t.Helper()
	if r.Status >= 500 {
		t.Errorf("%s: status %d (5xx); body %.300s", what, r.Status, r.Raw)
	}
	for _, m := range leakMarkers {
		if strings.Contains(r.Raw, m) {
			t.Errorf("%s: response contains %q: %.300s", what, m, r.Raw)
		}
	}
}

// checkAPIError fails unless r is PocketBase's error JSON with the given
// status: exactly the keys data (an object), message (a sentence) and
// status (the HTTP status), in that wire order. A non-empty msg must
// match the message exactly.
func checkAPIError(t testing.TB, what string, r response, status int, msg string) {
	t.Helper()
	if r.Status != status {
		t.Errorf("%s: status = %d, want %d; body %.300s", what, r.Status, status, r.Raw)
		return
	}
	if ct := r.Header.Get("Content-Type"); ct != "application/json" {
		t.Errorf("%s: Content-Type = %q, want application/json", what, ct)
	}
	if !strings.HasPrefix(r.Raw, `{"data":{`) || !strings.HasSuffix(r.Raw, "}\n") || r.JSON == nil {
		t.Errorf("%s: not a PocketBase error body: %.300s", what, r.Raw)
		return
	}
	_, dataOK := r.JSON["data"].(map[string]any)
	gotMsg, _ := r.JSON["message"].(string)
	gotStatus, _ := r.JSON["status"].(float64)
	if len(r.JSON) != 3 || !dataOK || !strings.HasSuffix(gotMsg, ".") || int(gotStatus) != status {
		t.Errorf("%s: malformed error body: %.300s", what, r.Raw)
	}
	if msg != "" && gotMsg != msg {
		t.Errorf("%s: message = %q, want %q", what, gotMsg, msg)
	}
}

// checkHealthy fails unless the server still answers its health check.
func (ts *testServer) checkHealthy(t testing.TB, after string) {
	t.Helper()
	r := ts.send(t, attackReq{Method: "GET", Path: "/api/health"})
	if r.Status != 200 {
		t.Fatalf("after %s: health check answered %d: %.300s", after, r.Status, r.Raw)
	}
}

// clip trims a long path or token for messages.
func clip(s string) string {
	if len(s) > 120 {
		return s[:120] + "..."
	}
	return s
}

// repeatByte is an endless stream of one byte, for bodies too large to
// build in memory.
type repeatByte byte

func (b repeatByte) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = byte(b)
	}
	return len(p), nil
}

// hugeJSONBody streams {"<field>":"aaaa...."} of exactly size bytes
// without ever holding it in memory.
func hugeJSONBody(field string, size int64) io.Reader {
	head, tail := `{"`+field+`":"`, `"}`
	fill := size - int64(len(head)+len(tail))
	return io.MultiReader(strings.NewReader(head), io.LimitReader(repeatByte('a'), fill), strings.NewReader(tail))
}

// attackUser is a user created through the API, with its login token.
type attackUser struct {
	ID, Email, Password, Token string
}

// newAttackUser signs a user up and logs it in.
func (ts *testServer) newAttackUser(t testing.TB, email, password string) attackUser {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/users/records", map[string]any{
		"email": email, "password": password, "passwordConfirm": password,
	}).want(t, 200)
	u := attackUser{ID: r.str("id"), Email: email, Password: password}
	u.Token = ts.loginToken(t, "users", email, password)
	return u
}

// loginToken authenticates with a password and returns the token.
func (ts *testServer) loginToken(t testing.TB, collection, email, password string) string {
	t.Helper()
	r := ts.do(t, "POST", "/api/collections/"+collection+"/auth-with-password", map[string]any{
		"identity": email, "password": password,
	}).want(t, 200)
	tok := r.str("token")
	if tok == "" {
		t.Fatalf("login as %s: no token in %s", email, r.Raw)
	}
	return tok
}

// superuser creates a superuser with the CLI, logs it in and returns
// its id and token.
func (ts *testServer) superuser(t testing.TB) (id, token string) {
	t.Helper()
	if out, err := ts.cli(t, "superuser", "upsert", "admin@example.com", "adminpassword1"); err != nil {
		t.Fatalf("superuser upsert: %v\n%s", err, out)
	}
	r := ts.do(t, "POST", "/api/collections/_superusers/auth-with-password", map[string]any{
		"identity": "admin@example.com", "password": "adminpassword1",
	}).want(t, 200)
	return r.str("record.id"), r.str("token")
}
