package directus_test

import (
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
)

// ssoStart begins a login and returns the state the provider was given
// and the state cookie.
func (e *env) ssoStart(t testing.TB, query string) (state, challenge, cookie string) {
	t.Helper()
	r := e.get(t, "/auth/login/fake"+query, "")
	wantStatus(t, r, http.StatusFound)
	loc, err := url.Parse(r.header.Get("Location"))
	if err != nil || loc.Host != "idp.test" {
		t.Fatalf("Location = %q", r.header.Get("Location"))
	}
	if got := loc.Query().Get("redirect_uri"); got != publicURL+"/auth/login/fake/callback" {
		t.Errorf("redirect_uri = %q", got)
	}
	c := r.cookies["oauth2.fake"]
	if c == nil || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.MaxAge != 300 || c.Path != "/" {
		t.Fatalf("state cookie = %+v", c)
	}
	return loc.Query().Get("state"), loc.Query().Get("code_challenge"), c.Value
}

// ssoCallback calls the callback with a code and state and the cookie.
func (e *env) ssoCallback(t testing.TB, code, state, cookie string) response {
	t.Helper()
	q := url.Values{"code": {code}, "state": {state}}
	req := request{method: http.MethodGet, path: "/auth/login/fake/callback?" + q.Encode()}
	if cookie != "" {
		req.cookies = map[string]string{"oauth2.fake": cookie}
	}
	return e.do(t, req)
}

func TestProviders(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.providers = []core.OAuthProvider{surfacetest.NewProvider("fake", true)} })
	want := `{"data":[{"name":"fake","label":"The fake","driver":"oauth2","icon":"account_circle"}],"disableDefault":false}` + "\n"
	for _, q := range []string{"", "?sessionOnly", "?sessionOnly=true"} {
		if r := e.get(t, "/auth"+q, ""); r.body != want {
			t.Errorf("GET /auth%s = %s", q, r.body)
		}
	}
	none := newEnv(t, nil)
	if r := none.get(t, "/auth", ""); r.body != `{"data":[],"disableDefault":false}`+"\n" {
		t.Errorf("GET /auth without providers = %s", r.body)
	}
	wantError(t, none.get(t, "/auth/login/fake", ""), "ROUTE_NOT_FOUND", "")
}

func TestSSOLogin(t *testing.T) {
	t.Parallel()
	idp := surfacetest.NewProvider("fake", true)
	e := newEnv(t, func(c *config) {
		c.providers = []core.OAuthProvider{idp}
		c.opt.RedirectAllowList = []string{"https://app.test/after"}
	})
	idp.Set("good", core.OAuthUser{ID: "u1", Email: "ada@example.com", EmailVerified: true, Name: "Ada Lovelace"})

	// With a redirect: a session-mode login, then the redirect.
	state, challenge, cookie := e.ssoStart(t, "?redirect=%2Fapp%3Fx%3D1")
	r := e.ssoCallback(t, "good", state, cookie)
	wantStatus(t, r, http.StatusFound)
	if got := r.header.Get("Location"); got != "/app?x=1" {
		t.Errorf("Location = %q, want /app?x=1", got)
	}
	wantCleared(t, r, "oauth2.fake")
	session := wantCookie(t, r, "directus_session_token", 24*3600)
	last := idp.Last()
	sum := sha256.Sum256([]byte(last.Verifier))
	if last.Code != "good" || base64.RawURLEncoding.EncodeToString(sum[:]) != challenge || last.Redirect != publicURL+"/auth/login/fake/callback" {
		t.Errorf("exchange got %+v; challenge %q", last, challenge)
	}
	me := e.do(t, request{method: http.MethodGet, path: "/users/me", cookies: map[string]string{"directus_session_token": session.Value}})
	var item map[string]any
	data(t, me, &item)
	if item["email"] != "ada@example.com" || item["first_name"] != "Ada" || item["password"] != nil {
		t.Errorf("SSO user = %v", item)
	}
	// The state cookie is single use.
	wantError(t, e.ssoCallback(t, "good", state, ""), "INVALID_CREDENTIALS", "")

	// Without a redirect: both tokens as JSON (json mode).
	state, _, cookie = e.ssoStart(t, "")
	r = e.ssoCallback(t, "good", state, cookie)
	if !strings.HasPrefix(r.body, `{"data":{"access_token":"`) || !strings.HasSuffix(r.body, `","expires":900000}}`+"\n") || !strings.Contains(r.body, `"refresh_token":"`) {
		t.Errorf("callback without redirect = %s", r.body)
	}

	// A failure with a redirect goes back with the reason.
	state, _, cookie = e.ssoStart(t, "?redirect="+url.QueryEscape("https://app.test/after?keep=no"))
	r = e.ssoCallback(t, "bad-code", state, cookie)
	wantStatus(t, r, http.StatusFound)
	if got := r.header.Get("Location"); got != "https://app.test/after?reason=INVALID_CREDENTIALS" {
		t.Errorf("failure Location = %q", got)
	}
	if r.cookies["directus_session_token"] != nil {
		t.Error("a failed login set a session cookie")
	}
}

// TestSSOState checks that the state cookie cannot be forged, swapped or
// replayed, and that redirects are allow-listed.
func TestSSOState(t *testing.T) {
	t.Parallel()
	idp := surfacetest.NewProvider("fake", true)
	e := newEnv(t, func(c *config) { c.providers = []core.OAuthProvider{idp} })
	idp.Set("good", core.OAuthUser{ID: "u1", Email: "ada@example.com", EmailVerified: true})

	state, _, cookie := e.ssoStart(t, "?redirect=/app")
	payload := strings.Split(cookie, ".")
	for name, c := range map[string]string{
		"missing":  "",
		"garbage":  "not-a-jwt",
		"tampered": payload[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"type":"state:directus-oauth2","data":{"provider":"fake","state":"`+state+`","redirect":"https://evil.test"},"exp":9999999999}`)) + "." + payload[2],
	} {
		r := e.ssoCallback(t, "good", state, c)
		wantError(t, r, "INVALID_CREDENTIALS", "")
		if r.header.Get("Location") != "" {
			t.Errorf("%s cookie: redirected to %q", name, r.header.Get("Location"))
		}
	}
	wantError(t, e.ssoCallback(t, "good", "other-state", cookie), "INVALID_CREDENTIALS", "")
	// An access token is no state cookie.
	e.user(t, "bob@example.com")
	tk, _ := e.login(t, "bob@example.com", "json")
	wantError(t, e.ssoCallback(t, "good", state, tk.AccessToken), "INVALID_CREDENTIALS", "")

	for _, bad := range []string{"https://evil.test/x", "//evil.test/x", "/\\evil.test", "javascript:alert(1)", "http://gatehouse.test/other"} {
		r := e.get(t, "/auth/login/fake?redirect="+url.QueryEscape(bad), "")
		wantError(t, r, "INVALID_PAYLOAD", `Invalid payload. URL "`+bad+`" can't be used to redirect after login.`)
	}
	for _, good := range []string{publicURL + "/admin", publicURL, "/"} {
		wantStatus(t, e.get(t, "/auth/login/fake?redirect="+url.QueryEscape(good), ""), http.StatusFound)
	}
}

// TestSSOCallbackPost checks the form_post bounce: 303 to the GET
// callback with the same parameters, relative so any mount works.
func TestSSOCallbackPost(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) { c.providers = []core.OAuthProvider{surfacetest.NewProvider("fake", true)} })
	r := e.do(t, request{method: http.MethodPost, path: "/auth/login/fake/callback", ctype: "application/x-www-form-urlencoded", body: "code=c1&state=s%201"})
	wantStatus(t, r, http.StatusSeeOther)
	if got := r.header.Get("Location"); got != "./callback?code=c1&state=s+1" {
		t.Errorf("Location = %q", got)
	}
	r = e.do(t, request{method: http.MethodPost, path: "/auth/login/fake/callback", body: `{"code":["a"]}`})
	wantError(t, r, "INVALID_PAYLOAD", "")
}

// TestSSOWithOTP checks that a user with an authenticator app needs the
// otp given at the start of an SSO login.
func TestSSOWithOTP(t *testing.T) {
	t.Parallel()
	idp := surfacetest.NewProvider("fake", true)
	e := newEnv(t, func(c *config) { c.providers = []core.OAuthProvider{idp} })
	e.user(t, "ada@example.com")
	idp.Set("good", core.OAuthUser{ID: "u1", Email: "ada@example.com", EmailVerified: true})
	tk, _ := e.login(t, "ada@example.com", "json")
	gen := e.do(t, request{method: http.MethodPost, path: "/users/me/tfa/generate", token: tk.AccessToken, body: `{"password":"correct horse"}`})
	var g struct{ Secret string }
	data(t, gen, &g)
	enable := `{"secret":` + jsonString(g.Secret) + `,"otp":` + jsonString(surfacetest.TOTP(t, g.Secret, e.Clock.Now())) + `}`
	wantStatus(t, e.do(t, request{method: http.MethodPost, path: "/users/me/tfa/enable", token: tk.AccessToken, body: enable}), http.StatusNoContent)
	e.Clock.Advance(30 * time.Second)

	state, _, cookie := e.ssoStart(t, "?redirect=/app")
	r := e.ssoCallback(t, "good", state, cookie)
	if got := r.header.Get("Location"); got != "/app?reason=INVALID_OTP" {
		t.Errorf("without otp: Location %q", got)
	}
	state, _, cookie = e.ssoStart(t, "?redirect=/app&otp="+surfacetest.TOTP(t, g.Secret, e.Clock.Now()))
	r = e.ssoCallback(t, "good", state, cookie)
	if got := r.header.Get("Location"); got != "/app" || r.cookies["directus_session_token"] == nil {
		t.Errorf("with otp: Location %q, cookies %v", got, r.header.Values("Set-Cookie"))
	}
}
