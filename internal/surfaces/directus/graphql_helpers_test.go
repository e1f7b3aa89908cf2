package directus_test

import (
	"encoding/json"
	"net/http"
	"testing"
)

// systemPath is the system GraphQL endpoint under the surface.
const systemPath = "/graphql/system"

// gqlCall is one operation posted to the system endpoint.
type gqlCall struct {
	query   string
	vars    map[string]any
	token   string
	cookies map[string]string
}

// gqlResult is an executed operation's answer.
type gqlResult struct {
	Data   map[string]json.RawMessage `json:"data"`
	Errors []struct {
		Message    string         `json:"message"`
		Extensions map[string]any `json:"extensions"`
	} `json:"errors"`
}

// gql posts c and returns the raw answer (checked by checkResponse).
func (e *env) gql(t testing.TB, c gqlCall) response {
	t.Helper()
	b, err := json.Marshal(map[string]any{"query": c.query, "variables": c.vars})
	if err != nil {
		t.Fatal(err)
	}
	return e.do(t, request{method: http.MethodPost, path: systemPath, body: string(b), token: c.token, cookies: c.cookies})
}

// gqlOK posts c, wants a 200 result and decodes it.
func (e *env) gqlOK(t testing.TB, c gqlCall) (gqlResult, response) {
	t.Helper()
	r := e.gql(t, c)
	wantStatus(t, r, http.StatusOK)
	var res gqlResult
	if err := json.Unmarshal([]byte(r.body), &res); err != nil {
		t.Fatalf("result %s: %v", r.body, err)
	}
	return res, r
}

// field decodes one field of a result's data into v.
func (g gqlResult) field(t testing.TB, name string, v any) {
	t.Helper()
	raw, ok := g.Data[name]
	if !ok {
		t.Fatalf("no %s in data %v", name, g.Data)
	}
	if err := json.Unmarshal(raw, v); err != nil {
		t.Fatalf("%s = %s: %v", name, raw, err)
	}
}

// wantGQLError wants a result whose only error has this code (and
// message, when given) and whose field is null.
func wantGQLError(t testing.TB, g gqlResult, field, code, message string) {
	t.Helper()
	if len(g.Errors) != 1 || g.Errors[0].Extensions["code"] != code {
		t.Fatalf("errors = %+v, want one %s", g.Errors, code)
	}
	if message != "" && g.Errors[0].Message != message {
		t.Fatalf("message = %q, want %q", g.Errors[0].Message, message)
	}
	if raw := g.Data[field]; string(raw) != "null" {
		t.Fatalf("%s = %s, want null", field, raw)
	}
}

// gqlTokens is auth_tokens.
type gqlTokens struct {
	AccessToken  *string `json:"access_token"`
	Expires      *int64  `json:"expires"`
	RefreshToken *string `json:"refresh_token"`
}

const loginMutation = `mutation($email: String!, $password: String!, $mode: auth_mode, $otp: String) {
  auth_login(email: $email, password: $password, mode: $mode, otp: $otp) { access_token expires refresh_token }
}`

const refreshMutation = `mutation($t: String, $mode: auth_mode) {
  auth_refresh(refresh_token: $t, mode: $mode) { access_token expires refresh_token }
}`

// gqlLogin logs in with auth_login in mode ("" sends none).
func (e *env) gqlLogin(t testing.TB, email, pw, mode string) (gqlResult, response) {
	t.Helper()
	vars := map[string]any{"email": email, "password": pw}
	if mode != "" {
		vars["mode"] = mode
	}
	return e.gqlOK(t, gqlCall{query: loginMutation, vars: vars})
}
