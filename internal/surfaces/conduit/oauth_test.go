package conduit_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestOAuthLogin: init answers the provider's URL as JSON; the hook
// signs the user in (a new account the first time) and sends the browser
// to the redirectUri with a sudo token pair; the state works once.
func TestOAuthLogin(t *testing.T) {
	t.Parallel()
	e, idp := oauthEnv(t, nil)
	state := e.initURL(t, appURL+"?from=login")
	q := landed(t, e.hook(t, "good", state), appURL)
	if q.Get("from") != "login" || q.Get("accessToken") == "" || q.Get("refreshToken") == "" {
		t.Fatalf("redirect query = %v", q)
	}
	if c := jwtClaims(t, q.Get("accessToken")); c["sudo"] != true || c["authorized"] != true {
		t.Errorf("claims = %v", c)
	}
	if ex := idp.Last(); ex.Code != "good" || ex.Verifier == "" || ex.Redirect != publicURL+"/hook/authentication/idp" {
		t.Errorf("exchange = %+v", ex)
	}
	r := e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: q.Get("accessToken")})
	if r.status != 200 || !strings.Contains(r.body, `"ann@example.com"`) {
		t.Fatalf("user: %d %s", r.status, r.body)
	}
	wantStatus(t, e.renew(t, q.Get("refreshToken")), 200)
	// A state is good for one callback.
	wantError(t, e.hook(t, "good", state), 400, "INVALID_ARGUMENTS", "Invalid parameters")

	// Without a redirectUri, the hook answers the tokens.
	r = e.hook(t, "good", e.initURL(t, ""))
	wantStatus(t, r, 200)
	var tk tokens
	decode(t, r, &tk)
	if tk.AccessToken == "" || tk.RefreshToken == "" {
		t.Fatalf("hook without a redirect answered %s", r.body)
	}

	// Providers posting the answer as a form.
	form := url.Values{"code": {"good"}, "state": {e.initURL(t, appURL)}}
	r = e.do(t, request{method: http.MethodPost, path: "/hook/authentication/idp", body: form.Encode(), ctype: "application/x-www-form-urlencoded"})
	if q := landed(t, r, appURL); q.Get("accessToken") == "" {
		t.Fatalf("form hook query = %v", q)
	}
}

// TestOAuthRedirectAllowList: redirectUris decides where a login may
// land: listed URIs (scheme, host, port and path exact); with allowAny,
// anything http(s) only when the tokens go out as cookies; never another
// scheme or a URL with a user.
func TestOAuthRedirectAllowList(t *testing.T) {
	t.Parallel()
	e, _ := oauthEnv(t, nil)
	for _, bad := range []string{
		"https://evil.example.com/oauth/done", "https://app.example.com/oauth/done/x", "http://app.example.com/oauth/done",
		"https://app.example.com:444/oauth/done", "https://app.example.com@evil.example.com/oauth/done", "javascript:alert(1)",
		"//evil.example.com", "/relative",
	} {
		r := e.do(t, request{method: http.MethodGet, path: "/authentication/init/idp?redirectUri=" + url.QueryEscape(bad)})
		wantError(t, r, 403, "FORBIDDEN", "Invalid redirect URI")
	}
	// allowAny does not open the redirect that carries the tokens in its
	// query: whoever picked it would get them.
	free, _ := oauthEnv(t, func(c *config) { c.opt.RedirectURIs.AllowAny = true })
	elsewhere := "https://elsewhere.example.org/cb"
	wantError(t, free.do(t, request{method: http.MethodGet, path: "/authentication/init/idp?redirectUri=" + url.QueryEscape(elsewhere)}),
		403, "FORBIDDEN", "Invalid redirect URI")
	landed(t, free.hook(t, "good", free.initURL(t, appURL)), appURL)
	// With both tokens in cookies it does.
	cookies, _ := oauthEnv(t, func(c *config) {
		c.opt.RedirectURIs.AllowAny = true
		c.opt.AccessTokens.SetCookie, c.opt.RefreshTokens.SetCookie = true, true
	})
	r := cookies.hook(t, "good", cookies.initURL(t, elsewhere))
	if q := landed(t, r, elsewhere); q.Has("accessToken") || q.Has("refreshToken") {
		t.Fatalf("cookie mode redirect query = %v", q)
	}
	if r.cookies["accessToken"] == nil || r.cookies["refreshToken"] == nil {
		t.Fatalf("cookie mode hook set cookies %v", r.cookies)
	}
	wantError(t, cookies.do(t, request{method: http.MethodGet, path: "/authentication/init/idp?redirectUri=" + url.QueryEscape("data:text/html,x")}),
		403, "FORBIDDEN", "Invalid redirect URI")
}

// TestOAuthRefusals: an unknown provider or OAuth2 off are routes Conduit
// does not have; a forged, replayed or other provider's state is
// "Invalid parameters" and reaches no provider; a provider that refuses
// is 401.
func TestOAuthRefusals(t *testing.T) {
	t.Parallel()
	e, idp := oauthEnv(t, nil)
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/authentication/init/nope"}), 404, "NOT_FOUND", "Route not found")
	wantError(t, e.hook(t, "good", "x"), 400, "INVALID_ARGUMENTS", "Invalid parameters")
	state := e.initURL(t, appURL)
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/hook/authentication/nope?code=good&state=" + url.QueryEscape(state)}), 404, "NOT_FOUND", "")
	wantError(t, e.hook(t, "good", state[:len(state)-4]+"AAAA"), 400, "INVALID_ARGUMENTS", "Invalid parameters")
	wantError(t, e.hook(t, "", state), 401, "UNAUTHORIZED", "OAuth2 authentication failed")
	wantError(t, e.hook(t, "good", state), 400, "INVALID_ARGUMENTS", "Invalid parameters") // spent by the failed try
	wantError(t, e.hook(t, "token-fails", e.initURL(t, appURL)), 401, "UNAUTHORIZED", "OAuth2 authentication failed")
	if idp.Last().Code != "token-fails" {
		t.Errorf("last exchange = %+v", idp.Last())
	}
	q := url.Values{"error": {"access_denied"}, "state": {e.initURL(t, appURL)}}
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/hook/authentication/idp?" + q.Encode()}), 401, "UNAUTHORIZED", "")
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/hook/authentication/idp?code=good&state=" + strings.Repeat("a", 9000)}), 400, "USER_INPUT_ERROR", "")

	off := newEnv(t, nil)
	wantError(t, off.do(t, request{method: http.MethodGet, path: "/authentication/init/idp"}), 404, "NOT_FOUND", "Route not found")
	wantError(t, off.hook(t, "good", state), 404, "NOT_FOUND", "Route not found")
}

// TestOAuthSecondFactor: a user with the app who signs in with a
// provider lands with a pending token alone, which verify completes.
func TestOAuthSecondFactor(t *testing.T) {
	t.Parallel()
	e, _ := oauthEnv(t, nil)
	first := landed(t, e.hook(t, "good", e.initURL(t, appURL)), appURL)
	var me struct {
		ID string `json:"_id"`
	}
	decode(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: first.Get("accessToken")}), &me)
	secret := e.enable2FA(t, me.ID, first.Get("accessToken")) // the provider verified the email
	q := landed(t, e.hook(t, "good", e.initURL(t, appURL)), appURL)
	pending := q.Get("accessToken")
	if pending == "" || q.Has("refreshToken") {
		t.Fatalf("2FA user's redirect query = %v, want an access token alone", q)
	}
	if c := jwtClaims(t, pending); c["authorized"] != false {
		t.Fatalf("claims = %v", c)
	}
	wantError(t, e.do(t, request{method: http.MethodGet, path: "/authentication/user", token: pending}), 401, "UNAUTHORIZED", "2FA is required")
	r := e.post(t, "/authentication/twoFa/verify", `{"code":"`+e.appCode(t, secret)+`"}`, pending)
	wantStatus(t, r, 200)
}
