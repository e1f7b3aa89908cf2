package conduit_test

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// appURL is where the tests' apps want the browser back.
const appURL = "https://app.example.com/oauth/done"

// oauthEnv is an env whose users sign in with the fake provider "idp"
// (PKCE), with redirectUris as mod sets them (appURL listed by default).
func oauthEnv(t testing.TB, mod func(*config)) (*env, *surfacetest.Provider) {
	t.Helper()
	idp := surfacetest.NewProvider("idp", true)
	idp.Set("good", core.OAuthUser{ID: "ext-ann", Email: "ann@example.com", EmailVerified: true, Name: "Ann"})
	e := newEnv(t, func(c *config) {
		c.opt.TwoFA.Enabled = true
		c.opt.RedirectURIs.WhitelistedURIs = []string{appURL}
		c.users = func(u *core.Collection) {
			u.OAuth2.Enabled = true
			u.OAuth2.Providers = []core.OAuthProvider{idp}
		}
		if mod != nil {
			mod(c)
		}
	})
	return e, idp
}

// initURL asks init for the authorize URL (redirectUri when given) and
// returns the state in it, checking the URL is the provider's with the
// hook as its redirect_uri.
func (e *env) initURL(t testing.TB, redirect string) string {
	t.Helper()
	path := "/authentication/init/idp"
	if redirect != "" {
		path += "?redirectUri=" + url.QueryEscape(redirect)
	}
	r := e.do(t, request{method: http.MethodGet, path: path})
	wantStatus(t, r, 200)
	var out struct{ Result string }
	if err := json.Unmarshal([]byte(r.body), &out); err != nil {
		t.Fatal(err)
	}
	u, err := url.Parse(out.Result)
	if err != nil || u.Host != "idp.test" {
		t.Fatalf("init answered %s, want the provider's URL", r.body)
	}
	q := u.Query()
	if q.Get("redirect_uri") != publicURL+"/hook/authentication/idp" || q.Get("state") == "" || q.Get("code_challenge") == "" {
		t.Fatalf("authorize URL %s: want the hook as redirect_uri, a state and a PKCE challenge", out.Result)
	}
	return q.Get("state")
}

// hook plays the provider's redirect to the hook (GET).
func (e *env) hook(t testing.TB, code, state string) response {
	t.Helper()
	q := url.Values{"code": {code}, "state": {state}}
	return e.do(t, request{method: http.MethodGet, path: "/hook/authentication/idp?" + q.Encode()})
}

// landed checks a hook's answer is a 302 to appURL and returns the query
// it carries.
func landed(t testing.TB, r response, base string) url.Values {
	t.Helper()
	if r.status != http.StatusFound {
		t.Fatalf("hook answered %d %s, want 302", r.status, r.body)
	}
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil {
		t.Fatal(err)
	}
	if got := loc.Scheme + "://" + loc.Host + loc.Path; got != base {
		t.Fatalf("redirected to %s, want %s", loc, base)
	}
	return loc.Query()
}
