package directus_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestTokenSources checks where the surface reads access tokens from and
// Directus's conflict rule.
func TestTokenSources(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	ada := e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	_, sess := e.login(t, "ada@example.com", "session")
	cookie := sess.cookies["directus_session_token"].Value
	q := "?access_token=" + url.QueryEscape(tk.AccessToken)

	for name, req := range map[string]request{
		"bearer":             {token: tk.AccessToken},
		"bearer any case":    {header: map[string]string{"Authorization": "bEaReR " + tk.AccessToken}},
		"query":              {path: q},
		"cookie":             {cookies: map[string]string{"directus_session_token": cookie}},
		"header over cookie": {token: tk.AccessToken, cookies: map[string]string{"directus_session_token": "garbage"}},
	} {
		req.method, req.path = http.MethodGet, "/users/me"+req.path
		r := e.do(t, req)
		if r.status != http.StatusOK {
			t.Errorf("%s: status %d, body %s", name, r.status, r.body)
			continue
		}
		var item map[string]any
		data(t, r, &item)
		if item["id"] != ada.ID {
			t.Errorf("%s: id = %v, want %s", name, item["id"], ada.ID)
		}
	}

	r := e.do(t, request{method: http.MethodGet, path: "/users/me" + q, token: tk.AccessToken})
	wantError(t, r, "INVALID_PAYLOAD", "Invalid payload. The request uses more than one method for including an access token.")
	// Even a login fails with both.
	r = e.do(t, request{method: http.MethodPost, path: "/auth/login" + q, token: tk.AccessToken, body: credentials("ada@example.com", password, "")})
	wantError(t, r, "INVALID_PAYLOAD", "")
	// Anonymous callers of a user route.
	wantError(t, e.get(t, "/users/me", ""), "INVALID_CREDENTIALS", "Invalid user credentials.")
	// A header that is not "Bearer <token>" is no token at all.
	r = e.do(t, request{method: http.MethodGet, path: "/users/me", header: map[string]string{"Authorization": "Basic abc"}})
	wantError(t, r, "INVALID_CREDENTIALS", "")
}

// TestBadTokens checks Directus's answers to tokens that do not
// authenticate: a forged JWT is INVALID_TOKEN, anything else (a static
// token Directus would look up, a token of another collection) is
// INVALID_CREDENTIALS, and a bad session cookie is also cleared.
func TestBadTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	tk, _ := e.login(t, "ada@example.com", "json")
	forged := tk.AccessToken[:strings.LastIndexByte(tk.AccessToken, '.')+1] + "AAAA"

	wantError(t, e.get(t, "/users/me", forged), "INVALID_TOKEN", "Invalid token.")
	wantError(t, e.get(t, "/users/me", "static-token"), "INVALID_CREDENTIALS", "")
	// A bad token fails every route, a login and an unknown path included.
	wantError(t, e.do(t, request{method: http.MethodPost, path: "/auth/login", token: forged, body: credentials("ada@example.com", password, "")}), "INVALID_TOKEN", "")
	wantError(t, e.get(t, "/nowhere", forged), "INVALID_TOKEN", "")

	r := e.do(t, request{method: http.MethodGet, path: "/auth", cookies: map[string]string{"directus_session_token": forged}})
	wantError(t, r, "INVALID_TOKEN", "")
	wantCleared(t, r, "directus_session_token")

	// A superuser's token names no user of the bound collection.
	if _, err := e.svc.UpsertSuperuser(context.Background(), "root@example.com", "rootpassword"); err != nil {
		t.Fatal(err)
	}
	supers, _ := e.svc.Collection("_superusers")
	res, err := e.svc.LoginWithPassword(context.Background(), supers, corePasswordLogin("root@example.com", "rootpassword"))
	if err != nil {
		t.Fatal(err)
	}
	wantError(t, e.get(t, "/users/me", res.Token), "INVALID_CREDENTIALS", "")
}

// TestRouteNotFound checks Directus's 404 for unknown paths and methods.
func TestRouteNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	wantError(t, e.get(t, "/auth/oauth", ""), "ROUTE_NOT_FOUND", "Route /auth/oauth doesn't exist.")
	wantError(t, e.get(t, "/auth/login", ""), "ROUTE_NOT_FOUND", "Route /auth/login doesn't exist.")
	wantError(t, e.do(t, request{method: http.MethodDelete, path: "/users/me"}), "ROUTE_NOT_FOUND", "")
	wantError(t, e.get(t, "/auth/login/nope", ""), "ROUTE_NOT_FOUND", "Route /auth/login/nope doesn't exist.")
	wantError(t, e.get(t, "/", ""), "ROUTE_NOT_FOUND", "Route / doesn't exist.")
}
