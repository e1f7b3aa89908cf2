package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// conduitOAuthYAML turns Conduit's 2FA on and lists appRedirect as its
// one redirect URI.
const conduitOAuthYAML = `
surfaces:
  conduit:
    two_fa:
      enabled: true
    redirect_uris:
      whitelisted_uris: ["` + appRedirect + `"]
`

// TestConduitOAuthE2E runs Conduit's OAuth2 flow against a real OpenID
// Connect provider (mockoidc) and the real server: init answers the
// provider's URL as JSON, the provider sends the browser to the hook, the
// hook to the app with a sudo token pair. The user then turns on 2FA
// (codes from the harness's own RFC 6238 code), and the next provider
// login lands with an authorized:false token alone, which the app's code
// completes.
func TestConduitOAuthE2E(t *testing.T) {
	t.Parallel()
	e := &oauthEnv{}
	e.noSecrets(t, func() []string { return []string{e.op.ClientSecret} })
	e.op = startOP(t)
	e.ts = startServerWith(t, oauthYAML(e.op, e.op.ClientSecret, "")+conduitOAuthYAML, serverOpts{SQLite: true})
	ann := opUser{Subject: "sub-ann", Email: "ann@example.com", EmailVerified: true}

	q := e.conduitOAuth(t, ann)
	access, refresh := q.Get("accessToken"), q.Get("refreshToken")
	if access == "" || refresh == "" || splitJWT(t, access).claims["sudo"] != true {
		t.Fatalf("landed with %v, want a sudo token pair", q)
	}
	r := e.do(t, "GET", "/conduit/authentication/user", nil, "Authorization", "Bearer "+access).want(t, 200)
	if !strings.Contains(r.Raw, `"ann@example.com"`) {
		t.Fatalf("user = %s", r.Raw)
	}
	var me struct {
		ID string `json:"_id"`
	}
	if err := json.Unmarshal([]byte(r.Raw), &me); err != nil || me.ID == "" {
		t.Fatalf("user = %s", r.Raw)
	}

	// 2FA: the provider verified the email, the login's token is sudo.
	e.do(t, "PUT", "/conduit/authentication/twoFa/enable", map[string]string{"method": "authenticator"},
		"Authorization", "Bearer "+access).want(t, 200)
	secret := e.conduitSecret(t, me.ID)
	step := totpStep(time.Now())
	e.do(t, "POST", "/conduit/authentication/twoFa/enable/verify", map[string]string{"code": totpCode(t, secret, step-1)},
		"Authorization", "Bearer "+access).want(t, 200)

	q = e.conduitOAuth(t, ann)
	pending := q.Get("accessToken")
	if pending == "" || q.Has("refreshToken") || splitJWT(t, pending).claims["authorized"] != false {
		t.Fatalf("2FA user landed with %v, want an authorized:false token alone", q)
	}
	e.do(t, "GET", "/conduit/authentication/user", nil, "Authorization", "Bearer "+pending).want(t, 401)
	r = e.do(t, "POST", "/conduit/authentication/twoFa/verify", map[string]string{"code": totpCode(t, secret, step)},
		"Authorization", "Bearer "+pending).want(t, 200)
	var pair struct{ AccessToken, RefreshToken string }
	if err := json.Unmarshal([]byte(r.Raw), &pair); err != nil || pair.RefreshToken == "" || splitJWT(t, pair.AccessToken).claims["authorized"] != true {
		t.Fatalf("verify answered %s", r.Raw)
	}
	e.do(t, "GET", "/conduit/authentication/user", nil, "Authorization", "Bearer "+pair.AccessToken).want(t, 200)
}

// conduitOAuth signs u in through Conduit's init and hook and returns
// the query of the app URL the hook sends the browser to.
func (e *oauthEnv) conduitOAuth(t *testing.T, u opUser) url.Values {
	t.Helper()
	r := e.do(t, "GET", "/conduit/authentication/init/oidc?redirectUri="+url.QueryEscape(appRedirect), nil).want(t, 200)
	var init struct{ Result string }
	if err := json.Unmarshal([]byte(r.Raw), &init); err != nil || !strings.HasPrefix(init.Result, e.op.AuthorizationEndpoint()+"?") {
		t.Fatalf("init answered %s", r.Raw)
	}
	e.op.queue(u)
	back := e.follow(t, init.Result)
	if !strings.HasSuffix(back.Path, "/conduit/hook/authentication/oidc") || back.Query().Get("code") == "" {
		t.Fatalf("the provider sent the browser to %s", back)
	}
	land := e.follow(t, e.ts.URL+"/conduit/hook/authentication/oidc?"+back.RawQuery)
	if got := land.Scheme + "://" + land.Host + land.Path; got != appRedirect {
		t.Fatalf("the hook sent the browser to %s, want %s", land, appRedirect)
	}
	return land.Query()
}

// follow plays the browser one step: it GETs target and returns where
// the 302 answer sends it.
func (e *oauthEnv) follow(t *testing.T, target string) *url.URL {
	t.Helper()
	res, err := noRedirects.Get(target)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	e.mu.Lock()
	e.bodies = append(e.bodies, string(body))
	e.mu.Unlock()
	loc, err := url.Parse(res.Header.Get("Location"))
	if res.StatusCode != http.StatusFound || err != nil {
		t.Fatalf("GET %s answered %d %s, want 302", target, res.StatusCode, body)
	}
	return loc
}

// conduitSecret is the secret the user's app scanned from the
// enrolment's QR code, read from the server's SQLite file (the test has
// no QR reader).
func (e *oauthEnv) conduitSecret(t *testing.T, userID string) string {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(e.ts.Dir, "data.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	f, err := db.TOTPFactor(ctx, userID)
	if err != nil {
		t.Fatal(err)
	}
	return f.Secret
}
