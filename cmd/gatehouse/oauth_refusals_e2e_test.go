package main

import (
	"crypto/rand"
	"strings"
	"testing"

	"github.com/oauth2-proxy/mockoidc"
)

// The refusals of TestOAuth2E2E: bad verifiers and codes, provider
// failures, a wrong secret, OAuth2 off, unknown providers, and unlinking
// the only way in.

// testOAuthWrongVerifier: a code is worth nothing without the verifier
// its challenge was made from (PKCE, checked by the provider).
func testOAuthWrongVerifier(t *testing.T) {
	e := oauthScenario(t, "")
	gina := opUser{Subject: "sub-gina", Email: "gina@example.com", EmailVerified: true}
	p := e.provider(t)
	other := e.provider(t).CodeVerifier
	checkAPIError(t, "another verifier", e.exchange(t, e.code(t, p, gina), other), 400, msgOAuthToken)
	p = e.provider(t)
	checkAPIError(t, "no verifier", e.exchange(t, e.code(t, p, gina), ""), 400, msgOAuthToken)
	if res := e.login(t, gina).oauth(t); res.Meta["isNew"] != true {
		t.Errorf("the refused attempts created a record: isNew %v", res.Meta["isNew"])
	}
}

// testOAuthProviderFailures: a code the provider does not know, an error
// from its token endpoint and a failing userinfo endpoint are each a 400.
func testOAuthProviderFailures(t *testing.T) {
	e := oauthScenario(t, "")
	hana := opUser{Subject: "sub-hana", Email: "hana@example.com", EmailVerified: true}
	checkAPIError(t, "unknown code", e.exchange(t, "no-such-code", e.provider(t).CodeVerifier), 400, msgOAuthToken)
	e.login(t, hana).oauth(t) // the client now knows how to authenticate to the token endpoint

	p := e.provider(t)
	code := e.code(t, p, hana)
	e.op.QueueError(&mockoidc.ServerError{Code: 503, Error: "temporarily_unavailable", Description: "try later"})
	checkAPIError(t, "token endpoint error", e.exchange(t, code, p.CodeVerifier), 400, msgOAuthToken)
	if e.op.ErrorQueue.Pop() != nil {
		t.Error("the queued provider error was never served")
	}

	p = e.provider(t)
	code = e.code(t, p, hana)
	e.op.failUserinfo.Store(true)
	checkAPIError(t, "userinfo error", e.exchange(t, code, p.CodeVerifier), 400, msgOAuthUser)
	e.op.failUserinfo.Store(false)
	if res := e.login(t, hana).oauth(t); res.Meta["isNew"] != false {
		t.Errorf("after the failures: isNew %v, want hana's existing record", res.Meta["isNew"])
	}
}

// testOAuthWrongSecret configures a wrong secret through the environment.
// The provider echoes it in its error; Gatehouse logs the failure but
// neither answers nor logs the secret.
func testOAuthWrongSecret(t *testing.T) {
	e := &oauthEnv{}
	wrong := "wrong-secret-" + rand.Text()
	e.noSecrets(t, func() []string { return []string{wrong, e.op.ClientSecret} })
	e.op = startOP(t)
	e.ts = startServerWith(t, oauthYAML(e.op, "$OIDC_CLIENT_SECRET", ""),
		serverOpts{Env: map[string]string{"OIDC_CLIENT_SECRET": wrong}})
	r := e.login(t, opUser{Subject: "sub-ivan", Email: "ivan@example.com", EmailVerified: true})
	checkAPIError(t, "wrong client secret", r, 400, msgOAuthToken)
	log := e.ts.stderr.String()
	// mockoidc answers "Invalid client secret: <the secret sent>"; the log
	// keeps the provider's words with the secret blacked out.
	if !strings.Contains(log, "oauth2 token exchange failed") || !strings.Contains(log, "Invalid client secret: [redacted]") {
		t.Errorf("the server did not log the provider's refusal, redacted:\n%s", log)
	}
}

// testOAuthDisabled: a server without OAuth2 reports it off and refuses
// the login with 403.
func testOAuthDisabled(t *testing.T) {
	e := &oauthEnv{ts: startServer(t, serverOpts{})}
	if on, list := e.authMethods(t); on || len(list) != 0 {
		t.Errorf("auth-methods: oauth2 enabled=%v providers %v, want off and none", on, list)
	}
	r := e.do(t, "POST", "/api/collections/users/auth-with-oauth2", map[string]any{
		"provider": "oidc", "code": "x", "codeVerifier": strings.Repeat("v", 43), "redirectURL": appRedirect,
	})
	checkAPIError(t, "OAuth2 off", r, 403, msgOAuthDisabled)
}

// testOAuthUnknownProvider: a provider the collection does not have is a
// validation error on the provider field; _superusers has none at all.
func testOAuthUnknownProvider(t *testing.T) {
	e := oauthScenario(t, "")
	r := e.do(t, "POST", "/api/collections/users/auth-with-oauth2", map[string]any{
		"provider": "github", "code": "x", "codeVerifier": strings.Repeat("v", 43), "redirectURL": appRedirect,
	})
	checkAPIError(t, "unknown provider", r, 400, "")
	if got := r.str("data.provider.code"); got != "validation_invalid_provider" {
		t.Errorf("data.provider.code = %q, want validation_invalid_provider: %s", got, r.Raw)
	}
	r = e.do(t, "POST", "/api/collections/_superusers/auth-with-oauth2", map[string]any{
		"provider": "oidc", "code": "x", "codeVerifier": strings.Repeat("v", 43), "redirectURL": appRedirect,
	})
	checkAPIError(t, "superusers", r, 403, msgOAuthDisabled)
}

// testOAuthUnlinkLast: a user created by OAuth2 has no password, so its
// only link cannot go (it would lock the owner out); nor can anyone
// else's link be deleted.
func testOAuthUnlinkLast(t *testing.T) {
	e := oauthScenario(t, "")
	jo := opUser{Subject: "sub-jo", Email: "jo@example.com", EmailVerified: true}
	res := e.login(t, jo).oauth(t)
	links := e.externalAuths(t, res.Token)
	if len(links) != 1 {
		t.Fatalf("links = %v, want one", links)
	}
	id, _ := links[0]["id"].(string)
	uid, _ := res.Record["id"].(string)
	checkAPIError(t, "unlink the only login", e.do(t, "DELETE", "/api/collections/_externalAuths/records/"+id, nil,
		"Authorization", res.Token), 400, msgLastMethod)
	checkAPIError(t, "unlink the only login (identities route)", e.do(t, "DELETE",
		"/api/collections/users/records/"+uid+"/identities/"+id, nil, "Authorization", res.Token), 400, msgLastMethod)

	other := e.ts.newAttackUser(t, "kim@example.com", "kim-password-1")
	r := e.do(t, "DELETE", "/api/collections/_externalAuths/records/"+id, nil, "Authorization", other.Token)
	if r.Status != 404 {
		t.Errorf("another user deleting jo's link = %d %.200s, want 404", r.Status, r.Raw)
	}
	if left := e.externalAuths(t, res.Token); len(left) != 1 {
		t.Errorf("jo's links after the refusals = %v, want the one", left)
	}
	if again := e.login(t, jo).oauth(t); again.Record["id"] != uid {
		t.Errorf("jo's next login reached %v, want %s", again.Record["id"], uid)
	}
}
