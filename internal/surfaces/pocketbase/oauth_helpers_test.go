package pocketbase_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// Paths and messages of the OAuth2 routes.
const (
	oauthPath        = usersPath + "/auth-with-oauth2"
	methodsPath      = usersPath + "/auth-methods"
	externalAuths    = "/api/collections/_externalAuths/records"
	realtimePath     = "/api/realtime"
	redirectPath     = "/api/oauth2-redirect"
	msgOAuthOff      = "The collection is not configured to allow OAuth2 authentication."
	msgOAuthToken    = "Failed to fetch OAuth2 token."
	msgOAuthUser     = "Failed to fetch OAuth2 user."
	msgNoClient      = "Missing or invalid client id."
	msgLastMethod    = "You can't unlink the only way you can sign in. Set a password first (reset it by email)."
	redirectOKText   = "OAuth2 authorization completed. You can close this window.\n"
	redirectFailText = "OAuth2 authorization failed. You can close this window and try again.\n"
)

// newOAuthEnv is an env whose users collection has OAuth2 on with the
// given providers; mod (which may be nil) configures the rest.
func newOAuthEnv(t testing.TB, mod func(*config), providers ...*surfacetest.Provider) *env {
	t.Helper()
	return newEnvWith(t, func(c *config) {
		c.Core.Collections = func(users, _ *core.Collection) {
			users.OAuth2.Enabled = true
			for _, p := range providers {
				users.OAuth2.Providers = append(users.OAuth2.Providers, p)
			}
		}
		if mod != nil {
			mod(c)
		}
	})
}

// oauthBody is an auth-with-oauth2 body for the "fake" provider.
func oauthBody(code string) string { return providerBody("fake", code) }

// providerBody is an auth-with-oauth2 body for a provider.
func providerBody(provider, code string) string {
	return `{"provider":` + jsonString(provider) + `,"code":` + jsonString(code) + `,"codeVerifier":"verifier-1","redirectURL":"https://app.test/cb"}`
}

// Meta keys of an OAuth2 answer, in wire order.
var (
	metaKeys   = []string{"accessToken", "avatarURL", "avatarUrl", "email", "expiry", "id", "isNew", "name", "rawUser", "refreshToken", "username"}
	metaKeysRT = []string{"accessToken", "avatarURL", "avatarUrl", "email", "expiry", "id", "isNew", "name", "providerRefreshToken", "rawUser", "refreshToken", "refreshTokenExpires", "username"}
)

// oauthAnswer is a decoded OAuth2 auth answer.
type oauthAnswer struct {
	Meta   map[string]any  `json:"meta"`
	Record json.RawMessage `json:"record"`
	Token  string          `json:"token"`
	rec    record
}

// checkOAuth asserts a 200 OAuth2 answer: keys meta, record, token in
// that order, meta's keys as given, the record's as given, and a token
// whose claims name the record.
func checkOAuth(t testing.TB, r response, meta, recKeys []string) oauthAnswer {
	t.Helper()
	wantStatus(t, r, http.StatusOK)
	if got := objectKeys(t, []byte(r.body)); !equalSlices(got, []string{"meta", "record", "token"}) {
		t.Errorf("answer keys = %v, want [meta record token]", got)
	}
	var raw struct {
		Meta json.RawMessage `json:"meta"`
	}
	decode(t, r.body, &raw)
	if got := objectKeys(t, raw.Meta); !equalSlices(got, meta) {
		t.Errorf("meta keys = %v, want %v", got, meta)
	}
	var a oauthAnswer
	decode(t, r.body, &a)
	a.rec = checkRecord(t, a.Record, recKeys)
	_, claims := jwtParts(t, a.Token)
	if claims["id"] != a.rec.ID || claims["collectionId"] != core.UsersID || claims["type"] != "auth" {
		t.Errorf("token claims %v do not match record %s", claims, a.rec.ID)
	}
	return a
}

// oauthLogin signs in with a registered code and returns the answer.
func (e *env) oauthLogin(t testing.TB, token, code string) oauthAnswer {
	t.Helper()
	return checkOAuth(t, e.post(t, oauthPath, token, oauthBody(code)), metaKeys, userKeys)
}

// waitFor polls cond until it holds or a deadline passes.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
