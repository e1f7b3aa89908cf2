package directus_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
)

func TestNewHandlerOptions(t *testing.T) {
	t.Parallel()
	ce := coretest.New(t)
	for _, tc := range []struct {
		name string
		mod  func(*directus.Options)
		want string // part of the error; "" for success
	}{
		{"defaults", func(o *directus.Options) {}, ""},
		{"trailing slash", func(o *directus.Options) { o.PublicURL += "/" }, ""},
		{"collection by id", func(o *directus.Options) { o.Collection = "_pb_users_auth_" }, ""},
		{"unknown collection", func(o *directus.Options) { o.Collection = "nope" }, "Collection"},
		{"no public url", func(o *directus.Options) { o.PublicURL = "" }, "PublicURL"},
		{"relative public url", func(o *directus.Options) { o.PublicURL = "/directus" }, "PublicURL"},
		{"public url with query", func(o *directus.Options) { o.PublicURL = "https://x.test/d?a=1" }, "PublicURL"},
		{"ftp public url", func(o *directus.Options) { o.PublicURL = "ftp://x.test" }, "PublicURL"},
		{"negative ttl", func(o *directus.Options) { o.AccessTTL = setting.Duration(-time.Second) }, "AccessTTL"},
		{"huge stall", func(o *directus.Options) { o.LoginStall = setting.Duration(time.Hour) }, "LoginStall"},
		{"bad cookie name", func(o *directus.Options) { o.SessionCookieName = "a b" }, "cookie name"},
		{"same cookie names", func(o *directus.Options) { o.SessionCookieName = o.RefreshCookieName }, "must differ"},
		{"none without secure", func(o *directus.Options) { o.CookieSameSite = "none" }, "CookieSameSite (cookie_same_site): none needs Secure cookies"},
		{"bad allow list", func(o *directus.Options) { o.RedirectAllowList = []string{"/relative"} }, "RedirectAllowList"},
		{"graphql limits unset", func(o *directus.Options) { o.GraphQL = gql.Limits{} }, ""},
		{"graphql depth below introspection", func(o *directus.Options) { o.GraphQL.MaxDepth = 5 }, "GraphQL.MaxDepth (graphql.max_depth): must be between 15 and 100"},
		// The rules are the configuration file's, by the same code.
		{"short ttl", func(o *directus.Options) { o.SessionTTL = setting.Duration(5 * time.Second) },
			"SessionTTL (session_ttl): must be between 10s and"},
		{"grace past ttl", func(o *directus.Options) {
			o.SessionTTL, o.SessionGrace = setting.Duration(time.Minute), setting.Duration(time.Minute)
		}, "SessionGrace (session_grace): must be shorter"},
		{"secure prefix over http", func(o *directus.Options) { o.RefreshCookieName = "__Secure-rt" },
			`RefreshCookieName (refresh_cookie_name): "__Secure-rt" needs Secure cookies`},
		{"secure prefix forced on", func(o *directus.Options) { o.RefreshCookieName, o.CookieSecure = "__Secure-rt", setting.On }, ""},
		{"cookie secure word", func(o *directus.Options) { o.CookieSecure = "sometimes" }, `CookieSecure (cookie_secure): must be auto, true or false, got "sometimes"`},
		{"same site word", func(o *directus.Options) { o.CookieSameSite = "loose" }, `CookieSameSite (cookie_same_site): must be lax, strict or none`},
		{"same site none, https", func(o *directus.Options) { o.CookieSameSite, o.PublicURL = "None", "https://x.test/d" }, ""},
		{"cookie domain url", func(o *directus.Options) { o.CookieDomain = "https://x.test" }, "CookieDomain (cookie_domain): must be a host name"},
		{"allow list query", func(o *directus.Options) { o.RegisterURLAllowList = []string{"https://x.test/v?a=1"} },
			"RegisterURLAllowList (register_url_allow_list[0]): must not have a query"},
		{"allow list user", func(o *directus.Options) {
			o.PasswordResetURLAllowList = []string{"https://x.test/r", "https://u@x.test/r"}
		},
			"PasswordResetURLAllowList (password_reset_url_allow_list[1]): must not contain a user name"},
	} {
		opt := directus.DefaultOptions()
		opt.PublicURL = publicURL
		tc.mod(&opt)
		_, err := directus.NewHandler(surfaces.Deps{Service: ce.Service}, opt)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%s: %v", tc.name, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%s: err = %v, want one naming %q", tc.name, err, tc.want)
		}
	}
	if _, err := directus.NewHandler(surfaces.Deps{}, directus.DefaultOptions()); err == nil {
		t.Error("NewHandler without a service succeeded")
	}
}

// TestValidateReportsEveryProblem checks that Validate names each
// problem by its YAML key, all at once, and that the defaults with a
// public URL pass.
func TestValidateReportsEveryProblem(t *testing.T) {
	t.Parallel()
	opt := directus.DefaultOptions()
	opt.PublicURL = publicURL
	if p := opt.Validate(); len(p) != 0 {
		t.Errorf("defaults: Validate() = %v, want none", p)
	}
	opt.AccessTTL, opt.LoginStall, opt.CookieSameSite = 0, 0, ""
	opt.RedirectAllowList = []string{"https://ok.test", "javascript:alert(1)"}
	var keys []string
	for _, pr := range opt.Validate() {
		keys = append(keys, pr.Key)
	}
	want := "access_ttl login_stall cookie_same_site redirect_allow_list[1]"
	if got := strings.Join(keys, " "); got != want {
		t.Errorf("Validate() keys = %q, want %q", got, want)
	}
}

func TestSecureCookies(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		public string
		secure setting.Switch
		want   bool
	}{
		{"http://127.0.0.1:8090/directus", setting.Auto, false},
		{"https://auth.example", setting.Auto, true},
		{"HTTPS://auth.example", "AUTO", true},
		{"http://127.0.0.1:8090", "on", true},
		{"http://127.0.0.1:8090", setting.On, true},
		{"https://auth.example", "off", false},
		{"https://auth.example", setting.Off, false},
	} {
		o := directus.Options{PublicURL: tc.public, CookieSecure: tc.secure}
		if got := o.SecureCookies(); got != tc.want {
			t.Errorf("public %q cookie_secure %q: SecureCookies() = %v, want %v", tc.public, tc.secure, got, tc.want)
		}
	}
}

// TestZeroOptions checks that zero durations and names mean Directus's
// defaults, so callers may set only some.
func TestZeroOptions(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.opt = directus.Options{PublicURL: publicURL, PublicRegistration: true, LoginStall: setting.Duration(time.Millisecond)}
	})
	e.user(t, "ada@example.com")
	tk, r := e.login(t, "ada@example.com", "cookie")
	wantCookie(t, r, "directus_refresh_token", 7*24*3600)
	if *tk.Expires != 900000 {
		t.Errorf("expires = %d, want 900000", *tk.Expires)
	}
}

// TestOnRoute checks that the metrics hook hears route patterns, never
// raw paths.
func TestOnRoute(t *testing.T) {
	t.Parallel()
	var got []string
	e := newEnv(t, func(c *config) {
		c.OnRoute = func(r *http.Request, pattern string) { got = append(got, pattern) }
	})
	// In process, so the hook runs on this goroutine.
	for _, path := range []string{"/auth", "/auth/login/google/callback", "/secret/path"} {
		e.Handler.ServeHTTP(httptest.NewRecorder(), httptest.NewRequest(http.MethodGet, path, nil))
	}
	want := "GET /auth|GET /auth/login/{provider}/callback|/"
	if strings.Join(got, "|") != want {
		t.Errorf("OnRoute heard %q, want %q", strings.Join(got, "|"), want)
	}
}

// TestCSRF checks that cookie-authenticated writes from another site are
// refused, and that same-site browsers and non-browser clients pass.
func TestCSRF(t *testing.T) {
	t.Parallel()
	e := newEnv(t, nil)
	e.user(t, "ada@example.com")
	_, login := e.login(t, "ada@example.com", "session")
	cookie := map[string]string{"directus_session_token": login.cookies["directus_session_token"].Value}
	patch := func(header map[string]string) response {
		return e.do(t, request{method: http.MethodPatch, path: "/users/me", body: `{"first_name":"Ada"}`, cookies: cookie, header: header})
	}
	wantError(t, patch(map[string]string{"Origin": "https://evil.test"}), "FORBIDDEN", "")
	wantError(t, patch(map[string]string{"Sec-Fetch-Site": "cross-site"}), "FORBIDDEN", "")
	for name, h := range map[string]map[string]string{
		"no browser headers": nil,
		"same origin fetch":  {"Sec-Fetch-Site": "same-origin"},
		"own origin":         {"Origin": e.URL},
		"public url origin":  {"Origin": "http://gatehouse.test"},
	} {
		if r := patch(h); r.status != http.StatusOK {
			t.Errorf("%s: %d %s", name, r.status, r.body)
		}
	}
	// Reads pass, and bearer-token writes are not cookie-authenticated.
	r := e.do(t, request{method: http.MethodGet, path: "/users/me", cookies: cookie, header: map[string]string{"Origin": "https://evil.test"}})
	wantStatus(t, r, http.StatusOK)
	tk, _ := e.login(t, "ada@example.com", "json")
	r = e.do(t, request{method: http.MethodPatch, path: "/users/me", body: `{}`, token: tk.AccessToken, header: map[string]string{"Origin": "https://evil.test"}})
	wantStatus(t, r, http.StatusOK)
}
