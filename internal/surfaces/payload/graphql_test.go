package payload_test

import (
	"testing"
)

// TestGraphQLLogin: loginUser answers {exp, token, user} and sets the
// cookie, as REST's login; a wrong password is REST's message with
// Payload's extensions.
func TestGraphQLLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	res, r := e.gqlDo(t, "", `mutation($e: String!, $p: String) { loginUser(email: $e, password: $p) { exp token user { id email createdAt updatedAt collection sessions { id expiresAt } } } }`,
		map[string]any{"e": "Ada@Example.com ", "p": password})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %s", r.body)
	}
	tok, _ := field(t, res.Data, "loginUser", "token").(string)
	if tok == "" || field(t, res.Data, "loginUser", "user", "email") != "ada@example.com" {
		t.Fatalf("login: %s", r.body)
	}
	if c := r.cookies["payload-token"]; c == nil || c.Value != tok || !c.HttpOnly {
		t.Fatalf("cookie = %+v", c)
	}
	t.Log(r.body)
}
