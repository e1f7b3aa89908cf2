package payload_test

import (
	"net/http"
	"strings"
	"testing"
)

const (
	msgIncorrect = "The email or password provided is incorrect."
	msgLocked    = "This user is locked due to having too many failed login attempts."
	msgForbidden = "You are not allowed to perform this action."
)

// TestGraphQLLogin: loginUser answers {exp, token, user} and sets the
// cookie, as REST's login; its refusals are REST's messages with
// Payload's extensions.
func TestGraphQLLogin(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.MaxLoginAttempts = 2 })
	e.user(t, "ada@example.com")
	res, r := e.gqlDo(t, "", `mutation($e: String!, $p: String) { loginUser(email: $e, password: $p) { exp token user { id email createdAt updatedAt collection sessions { id expiresAt } } } }`,
		map[string]any{"e": "Ada@Example.com ", "p": password})
	if len(res.Errors) > 0 {
		t.Fatalf("errors: %s", r.body)
	}
	tok, _ := field(t, res.Data, "loginUser", "token").(string)
	if tok == "" || field(t, res.Data, "loginUser", "user", "email") != "ada@example.com" ||
		field(t, res.Data, "loginUser", "user", "collection") != "users" || field(t, res.Data, "loginUser", "exp") == nil {
		t.Fatalf("login: %s", r.body)
	}
	if s, _ := field(t, res.Data, "loginUser", "user", "sessions").([]any); len(s) != 1 {
		t.Fatalf("sessions: %s", r.body)
	}
	if c := r.cookies["payload-token"]; c == nil || c.Value != tok || !c.HttpOnly {
		t.Fatalf("cookie = %+v", c)
	}
	// the token works over REST
	wantStatus(t, e.get(t, "/api/users/me", jwt(tok)), http.StatusOK)

	const login = `mutation($p: String) { loginUser(email: "ada@example.com", password: $p) { token } }`
	res, r = e.gqlDo(t, "", login, map[string]any{"p": "wrong"})
	wantGQLError(t, res, msgIncorrect, "AuthenticationError", 401)
	if field(t, res.Data, "loginUser") != nil || r.cookies["payload-token"] != nil {
		t.Fatalf("failed login: %s", r.body)
	}
	if p := res.Errors[0].Path; len(p) != 1 || p[0] != "loginUser" {
		t.Errorf("path = %v", p)
	}
	// a missing password is REST's ValidationError, with its data
	res, _ = e.gqlDo(t, "", login, nil)
	wantGQLError(t, res, "The following field is invalid: password", "ValidationError", 400)
	if field(t, res.Errors[0].Extensions, "data", "collection") != "users" {
		t.Errorf("extensions = %v", res.Errors[0].Extensions)
	}
	// the lockout is core's, as over REST
	e.gqlDo(t, "", login, map[string]any{"p": "wrong"})
	res, _ = e.gqlDo(t, "", login, map[string]any{"p": password})
	wantGQLError(t, res, msgLocked, "LockedAuth", 401)
}

// TestGraphQLMe: meUser shows the caller (token from the JWT header,
// Bearer or the cookie) and only nulls to a guest; initializedUser says
// whether the collection has a user.
func TestGraphQLMe(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	const q = `{ initializedUser meUser { collection exp strategy token user { email sessions { id } } } }`
	res, r := e.gqlDo(t, "", q, nil)
	if r.body != `{"data":{"initializedUser":false,"meUser":{"collection":null,"exp":null,"strategy":null,"token":null,"user":null}}}`+"\n" {
		t.Fatalf("guest: %s", r.body)
	}
	e.user(t, "ada@example.com")
	tok, _ := e.login(t, "ada@example.com")
	for _, auth := range []request{
		{auth: jwt(tok)}, {auth: "Bearer " + tok}, {cookies: map[string]string{"payload-token": tok}},
	} {
		r := e.do(t, request{method: http.MethodPost, path: gqlPath, body: gqlBody(q, nil), auth: auth.auth, cookies: auth.cookies})
		if !strings.Contains(r.body, `"initializedUser":true`) || !strings.Contains(r.body, `"collection":"users"`) ||
			!strings.Contains(r.body, `"strategy":"local-jwt"`) || !strings.Contains(r.body, `"token":"`+tok+`"`) ||
			!strings.Contains(r.body, `"email":"ada@example.com"`) {
			t.Fatalf("%+v: %s", auth, r.body)
		}
	}
	_ = res
	// a forged token is a guest's, as over REST
	res, _ = e.gqlDo(t, jwt(tok+"x"), `{ meUser { user { email } } }`, nil)
	if field(t, res.Data, "meUser", "user") != nil {
		t.Fatalf("forged token: %+v", res)
	}
	// queries may come over GET
	r = e.get(t, gqlPath+"?query="+strings.ReplaceAll("{ meUser { token } }", " ", "%20"), jwt(tok))
	if r.status != 200 || !strings.Contains(r.body, tok) {
		t.Fatalf("GET: %d %s", r.status, r.body)
	}
}

// TestGraphQLAccess: Access holds the same verdicts as REST's access
// view, each as {permission}; the seed's shape of query works.
func TestGraphQLAccess(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	const q = `query { Access { canAccessAdmin users { create { permission } read { permission } update { permission } delete { permission } unlock { permission } } } }`
	_, r := e.gqlDo(t, "", q, nil)
	guest := `{"data":{"Access":{"canAccessAdmin":false,"users":{"create":{"permission":true},"read":{"permission":false},"update":{"permission":false},"delete":{"permission":false},"unlock":{"permission":false}}}}}` + "\n"
	if r.body != guest {
		t.Fatalf("guest: %s", r.body)
	}
	rest := object(t, e.get(t, "/api/access", ""))
	if rest["canAccessAdmin"] != nil || field(t, rest, "collections", "users", "create") != true {
		t.Fatalf("REST disagrees: %v", rest)
	}
	tok, _ := e.login(t, e.user(t, "ada@example.com").Email)
	_, r = e.gqlDo(t, jwt(tok), `query { Access { users { read { permission } } } }`, nil)
	if r.body != `{"data":{"Access":{"users":{"read":{"permission":true}}}}}`+"\n" {
		t.Fatalf("user: %s", r.body)
	}
}

// TestGraphQLLogout: the seed's logoutUser(allSessions: false) ends the
// token's session and clears the cookie; allSessions: true ends every
// session; a guest is REST's "No User".
func TestGraphQLLogout(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	one, _ := e.login(t, "ada@example.com")
	two, _ := e.login(t, "ada@example.com")
	three, _ := e.login(t, "ada@example.com")
	_, r := e.gqlDo(t, jwt(one), `mutation { logoutUser(allSessions: false) }`, nil)
	if r.body != `{"data":{"logoutUser":"Logout successful."}}`+"\n" {
		t.Fatalf("logout: %s", r.body)
	}
	if c := r.cookies["payload-token"]; c == nil || c.Value != "" || c.MaxAge >= 0 {
		t.Fatalf("cookie not cleared: %+v", c)
	}
	wantStatus(t, e.post(t, "/api/users/refresh-token", "", jwt(one)), http.StatusForbidden)
	wantStatus(t, e.post(t, "/api/users/refresh-token", "", jwt(two)), http.StatusOK)
	e.gqlDo(t, jwt(two), `mutation { logoutUser(allSessions: true) }`, nil)
	wantStatus(t, e.post(t, "/api/users/refresh-token", "", jwt(three)), http.StatusForbidden)

	res, _ := e.gqlDo(t, "", `mutation { logoutUser }`, nil)
	wantGQLError(t, res, "No User", "APIError", 400)
}

// TestGraphQLRefresh: refreshTokenUser gives a new token for the same
// session, in the cookie too, and its user is the JWT type; without a
// token it is REST's 403.
func TestGraphQLRefresh(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tok, _ := e.login(t, "ada@example.com")
	res, r := e.gqlDo(t, jwt(tok), `mutation { refreshTokenUser { exp refreshedToken strategy user { email collection } } }`, nil)
	fresh, _ := field(t, res.Data, "refreshTokenUser", "refreshedToken").(string)
	if fresh == "" || field(t, res.Data, "refreshTokenUser", "strategy") != "local-jwt" ||
		field(t, res.Data, "refreshTokenUser", "user", "email") != "ada@example.com" ||
		field(t, res.Data, "refreshTokenUser", "user", "collection") != "users" {
		t.Fatalf("refresh: %s", r.body)
	}
	if c := r.cookies["payload-token"]; c == nil || c.Value != fresh {
		t.Fatalf("cookie = %+v", c)
	}
	wantStatus(t, e.get(t, "/api/users/me", jwt(fresh)), http.StatusOK)
	res, _ = e.gqlDo(t, "", `mutation { refreshTokenUser { refreshedToken } }`, nil)
	wantGQLError(t, res, msgForbidden, "Forbidden", 403)
}

// TestGraphQLPasswordReset: forgotPasswordUser is true for any address
// (a link is mailed only to an account); the seed's resetPasswordUser
// sets the password and logs in, with the cookie.
func TestGraphQLPasswordReset(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	for _, addr := range []string{"ada@example.com", "nobody@example.com", "not an email"} {
		_, r := e.gqlDo(t, "", `mutation($e: String!) { forgotPasswordUser(email: $e) }`, map[string]any{"e": addr})
		if r.body != `{"data":{"forgotPasswordUser":true}}`+"\n" {
			t.Fatalf("%s: %s", addr, r.body)
		}
	}
	res, _ := e.gqlDo(t, "", `mutation { forgotPasswordUser(email: " ") }`, nil)
	wantGQLError(t, res, "Missing email.", "APIError", 400)
	_, token := e.mailTo(t, "ada@example.com")

	res, _ = e.gqlDo(t, "", `mutation { resetPasswordUser(token: "bogus", password: "new password 1") { token } }`, nil)
	wantGQLError(t, res, "Token is either invalid or has expired.", "APIError", 403)
	res, _ = e.gqlDo(t, "", `mutation { resetPasswordUser(token: "bogus") { token } }`, nil)
	wantGQLError(t, res, "Missing required data.", "APIError", 400)

	seed := `mutation { resetPasswordUser(token: "` + token + `", password: "new-password") { user { email } token } }`
	res, r := e.gqlDo(t, "", seed, nil)
	tok, _ := field(t, res.Data, "resetPasswordUser", "token").(string)
	if tok == "" || field(t, res.Data, "resetPasswordUser", "user", "email") != "ada@example.com" {
		t.Fatalf("reset: %s", r.body)
	}
	if c := r.cookies["payload-token"]; c == nil || c.Value != tok {
		t.Fatalf("cookie = %+v", c)
	}
	wantStatus(t, e.post(t, "/api/users/login", credentials("ada@example.com", "new-password"), ""), http.StatusOK)
	res, _ = e.gqlDo(t, "", seed, nil) // single use
	wantGQLError(t, res, "Token is either invalid or has expired.", "APIError", 403)
}

// TestGraphQLVerify: verifyEmailUser takes the mailed token.
func TestGraphQLVerify(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.Verify = true })
	wantStatus(t, e.post(t, "/api/users", `{"email":"eve@example.com","password":"correct horse"}`, ""), http.StatusCreated)
	res, _ := e.gqlDo(t, "", `mutation { loginUser(email: "eve@example.com", password: "correct horse") { token } }`, nil)
	wantGQLError(t, res, "Please verify your email before logging in.", "UnverifiedEmail", 403)
	_, token := e.mailTo(t, "eve@example.com")
	res, _ = e.gqlDo(t, "", `mutation { verifyEmailUser(token: "bogus") }`, nil)
	wantGQLError(t, res, "Verification token is invalid.", "APIError", 403)
	_, r := e.gqlDo(t, "", `mutation($t: String) { verifyEmailUser(token: $t) }`, map[string]any{"t": token})
	if r.body != `{"data":{"verifyEmailUser":true}}`+"\n" {
		t.Fatalf("verify: %s", r.body)
	}
	res, r = e.gqlDo(t, "", `mutation { loginUser(email: "eve@example.com", password: "correct horse") { user { _verified } } }`, nil)
	if field(t, res.Data, "loginUser", "user", "_verified") != true {
		t.Fatalf("login: %s", r.body)
	}
}

// TestGraphQLUnlock: unlockUser lifts a lock for a user the unlock rule
// admits, and is REST's 403 for a guest or an unknown address; with no
// lockout the mutation is not in the schema.
func TestGraphQLUnlock(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(o *payloadOptions) { o.MaxLoginAttempts = 1 })
	e.user(t, "ada@example.com")
	helper, _ := e.login(t, e.user(t, "helper@example.com").Email)
	e.post(t, "/api/users/login", credentials("ada@example.com", "wrong"), "")
	wantError(t, e.post(t, "/api/users/login", credentials("ada@example.com", password), ""), 401, msgLocked)
	const unlock = `mutation($e: String!) { unlockUser(email: $e) }`
	res, _ := e.gqlDo(t, "", unlock, map[string]any{"e": "ada@example.com"})
	wantGQLError(t, res, msgForbidden, "Forbidden", 403)
	res, _ = e.gqlDo(t, jwt(helper), unlock, map[string]any{"e": "nobody@example.com"})
	wantGQLError(t, res, msgForbidden, "Forbidden", 403)
	_, r := e.gqlDo(t, jwt(helper), unlock, map[string]any{"e": "ADA@example.com"})
	if r.body != `{"data":{"unlockUser":true}}`+"\n" {
		t.Fatalf("unlock: %s", r.body)
	}
	e.login(t, "ada@example.com")

	off := newEnv(t, func(o *payloadOptions) { o.MaxLoginAttempts = 0 })
	r = off.post(t, gqlPath, gqlBody(`mutation { unlockUser(email: "a@b.co") }`, nil), "")
	if r.status != http.StatusBadRequest || !strings.Contains(r.body, "unlockUser") {
		t.Fatalf("unlock without lockout: %d %s", r.status, r.body)
	}
}
