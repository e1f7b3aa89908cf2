package conduit_test

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// twoClients turns client validation on with the clients web and
// mobile, and returns their headers.
func twoClients(c *config) (web, mobile map[string]string) {
	sum := func(s string) string { h := sha256.Sum256([]byte(s)); return hex.EncodeToString(h[:]) }
	c.opt.Clients.Validation = true
	c.opt.Clients.Secrets = map[string]string{"web": sum("web-secret"), "mobile": sum("mobile-secret")}
	return map[string]string{"clientid": "web", "clientsecret": "web-secret"},
		map[string]string{"clientid": "mobile", "clientsecret": "mobile-secret"}
}

// loginAs logs email in as the client h names.
func (e *env) loginAs(t testing.TB, email string, h map[string]string) tokens {
	t.Helper()
	r := e.do(t, request{method: http.MethodPost, path: "/authentication/local", body: credentials(email, password), header: h})
	wantStatus(t, r, 200)
	var tk tokens
	decode(t, r, &tk)
	return tk
}

// userAs reads the user with tk as the client h names.
func (e *env) userAs(t testing.TB, tk tokens, h map[string]string) response {
	t.Helper()
	return e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: tk.AccessToken, header: h})
}

// TestClientsScopeSessions: with client validation on, tokens belong to
// the client that logged in; with multiple_client_logins (the default) a
// login ends only the same client's other session; without it, every
// other session.
func TestClientsScopeSessions(t *testing.T) {
	t.Parallel()
	const revoked = "Token has been revoked or there is a mismatch between the token and the client"
	for _, perClient := range []bool{true, false} {
		var web, mobile map[string]string
		e := newEnv(t, func(c *config) {
			web, mobile = twoClients(c)
			c.opt.Clients.MultipleClientLogins = perClient
		})
		r := e.do(t, request{method: http.MethodPost, path: "/authentication/local/new", body: credentials("cl@example.com", password), header: web})
		wantStatus(t, r, 200)
		w1 := e.loginAs(t, "cl@example.com", web)
		m1 := e.loginAs(t, "cl@example.com", mobile)
		// A token is the client's own.
		wantError(t, e.userAs(t, m1, web), 401, "UNAUTHORIZED", revoked)
		wantStatus(t, e.userAs(t, m1, mobile), 200)
		if perClient {
			wantStatus(t, e.userAs(t, w1, web), 200)
		} else {
			wantError(t, e.userAs(t, w1, web), 401, "UNAUTHORIZED", revoked)
		}
		w2 := e.loginAs(t, "cl@example.com", web)
		wantError(t, e.userAs(t, w1, web), 401, "UNAUTHORIZED", revoked)
		wantStatus(t, e.userAs(t, w2, web), 200)
		if perClient {
			wantStatus(t, e.userAs(t, m1, mobile), 200)
		} else {
			wantError(t, e.userAs(t, m1, mobile), 401, "UNAUTHORIZED", revoked)
		}
	}
}

// TestLoginSparesOtherSurfaces: by default a Conduit login ends the
// user's other Conduit session, not a session another surface opened
// (which has no client).
func TestLoginSparesOtherSurfaces(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.register(t, "spare@example.com")
	other, err := e.svc.LoginWithPassword(t.Context(), e.users, core.PasswordLogin{Identity: "spare@example.com", Password: password})
	if err != nil {
		t.Fatal(err)
	}
	first := e.login(t, "spare@example.com")
	e.login(t, "spare@example.com")
	if _, err := e.svc.Authenticate(t.Context(), other.Token); err != nil {
		t.Errorf("another surface's session ended: %v", err)
	}
	wantStatus(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: first.AccessToken}), 401)
}
