package config

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
)

func TestCheckMount(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"/", "/directus", "/d", "/compat/directus", "/v1.2", "/a_b~c-d"} {
		if err := CheckMount(ok); err != nil {
			t.Errorf("CheckMount(%q) = %v, want nil", ok, err)
		}
	}
	for _, tc := range []struct{ in, want string }{
		{"", "must start with /"},
		{"directus", "must start with /"},
		{"/directus/", `must not end with / (write "/directus")`},
		{"//", "must not end with /"},
		{"/a//b", "must be a path like /directus"},
		{"/a/../api", "must be a path like /directus"},
		{"/.", "must be a path like /directus"},
		{"/{x}", "must be a path like /directus"},
		{"/a b", "must be a path like /directus"},
		{"/a?b", "must be a path like /directus"},
		{"/%61pi", "must be a path like /directus"},
		{"/é", "must be a path like /directus"},
		{"/" + strings.Repeat("a", maxMountLen), "at most 200 characters"},
	} {
		err := CheckMount(tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("CheckMount(%q) = %v, want %q", tc.in, err, tc.want)
		}
	}
}

func TestDirectusValidation(t *testing.T) {
	t.Parallel()
	dir := func(f func(d *Surface[directus.Options])) func(*Config) {
		return func(c *Config) { f(&c.Surfaces.Directus) }
	}
	for _, tc := range []struct {
		name   string
		change func(*Config)
		want   string
	}{
		{"mount relative", dir(func(d *Surface[directus.Options]) { d.Mount = "directus" }), "surfaces.directus.mount: must start with /"},
		{"mount empty", dir(func(d *Surface[directus.Options]) { d.Mount = "" }), "surfaces.directus.mount:"},
		{"unknown collection", dir(func(d *Surface[directus.Options]) { d.Options.Collection = "admins" }), `surfaces.directus.collection: unknown auth collection "admins"`},
		{"public url relative", dir(func(d *Surface[directus.Options]) { d.Options.PublicURL = "/directus" }), "surfaces.directus.public_url: must be an absolute"},
		{"public url query", dir(func(d *Surface[directus.Options]) { d.Options.PublicURL = "https://a.example/d?x=1" }), "surfaces.directus.public_url: must not have a query"},
		{"public url fragment", dir(func(d *Surface[directus.Options]) { d.Options.PublicURL = "https://a.example/#d" }), "surfaces.directus.public_url: must not have a fragment"},
		{"public url credentials", dir(func(d *Surface[directus.Options]) { d.Options.PublicURL = "https://u:p@a.example" }), "surfaces.directus.public_url: must not contain a user name"},
		{"access ttl short", dir(func(d *Surface[directus.Options]) { d.Options.AccessTTL = Duration(9 * time.Second) }), "surfaces.directus.access_ttl: must be between 10s and"},
		{"refresh ttl zero", dir(func(d *Surface[directus.Options]) { d.Options.RefreshTTL = 0 }), "surfaces.directus.refresh_ttl:"},
		{"session ttl huge", dir(func(d *Surface[directus.Options]) { d.Options.SessionTTL = Duration(4 * 365 * day) }), "surfaces.directus.session_ttl:"},
		{"grace zero", dir(func(d *Surface[directus.Options]) { d.Options.SessionGrace = 0 }), "surfaces.directus.session_grace: must be between 1ms and 1h"},
		{"grace above ttl", dir(func(d *Surface[directus.Options]) {
			d.Options.SessionTTL = Duration(30 * time.Second)
			d.Options.SessionGrace = Duration(time.Minute)
		}),
			"surfaces.directus.session_grace: must be shorter than session_ttl (30s)"},
		{"graphql depth below introspection", dir(func(d *Surface[directus.Options]) { d.Options.GraphQL.MaxDepth = 14 }), "surfaces.directus.graphql.max_depth: must be between 15 and 100, got 14"},
		{"login stall zero", dir(func(d *Surface[directus.Options]) { d.Options.LoginStall = 0 }), "surfaces.directus.login_stall: must be between 1ms and 10s"},
		{"register stall long", dir(func(d *Surface[directus.Options]) { d.Options.RegisterStall = Duration(11 * time.Second) }), "surfaces.directus.register_stall:"},
		{"cookie name empty", dir(func(d *Surface[directus.Options]) { d.Options.RefreshCookieName = "" }), "surfaces.directus.refresh_cookie_name: must be a cookie name"},
		{"cookie name separator", dir(func(d *Surface[directus.Options]) { d.Options.SessionCookieName = "a;b" }), "surfaces.directus.session_cookie_name: must be a cookie name"},
		{"cookie names equal", dir(func(d *Surface[directus.Options]) { d.Options.SessionCookieName = d.Options.RefreshCookieName }), "surfaces.directus.session_cookie_name: must differ"},
		{"secure prefix over http", dir(func(d *Surface[directus.Options]) { d.Options.RefreshCookieName = "__Secure-rt" }), "surfaces.directus.refresh_cookie_name: \"__Secure-rt\" needs Secure cookies"},
		{"host prefix with domain", dir(func(d *Surface[directus.Options]) {
			d.Options.CookieSecure, d.Options.SessionCookieName, d.Options.CookieDomain = "true", "__Host-st", "example.com"
		}), "surfaces.directus.session_cookie_name: \"__Host-st\" cannot be used with cookie_domain"},
		{"cookie secure word", dir(func(d *Surface[directus.Options]) { d.Options.CookieSecure = "sometimes" }), `surfaces.directus.cookie_secure: must be auto, true or false, got "sometimes"`},
		{"cookie secure empty", dir(func(d *Surface[directus.Options]) { d.Options.CookieSecure = "" }), "surfaces.directus.cookie_secure:"},
		{"same site unknown", dir(func(d *Surface[directus.Options]) { d.Options.CookieSameSite = "loose" }), `surfaces.directus.cookie_same_site: must be lax, strict or none, got "loose"`},
		{"same site none over http", dir(func(d *Surface[directus.Options]) { d.Options.CookieSameSite = "none" }), "surfaces.directus.cookie_same_site: none needs Secure cookies"},
		{"same site none forced insecure", func(c *Config) {
			c.App.URL = "https://auth.example"
			c.Surfaces.Directus.Options.CookieSameSite, c.Surfaces.Directus.Options.CookieSecure = "none", "false"
		}, "surfaces.directus.cookie_same_site: none needs Secure cookies"},
		{"cookie domain url", dir(func(d *Surface[directus.Options]) { d.Options.CookieDomain = "https://example.com" }), "surfaces.directus.cookie_domain: must be a host name"},
		{"cookie domain port", dir(func(d *Surface[directus.Options]) { d.Options.CookieDomain = "example.com:80" }), "surfaces.directus.cookie_domain:"},
		{"reset allow relative", dir(func(d *Surface[directus.Options]) {
			d.Options.PasswordResetURLAllowList = []string{"https://a.example/r", "/reset"}
		}),
			"surfaces.directus.password_reset_url_allow_list[1]: must be an absolute"},
		{"register allow query", dir(func(d *Surface[directus.Options]) {
			d.Options.RegisterURLAllowList = []string{"https://a.example/v?x=1"}
		}),
			"surfaces.directus.register_url_allow_list[0]: must not have a query"},
		{"redirect allow scheme", dir(func(d *Surface[directus.Options]) { d.Options.RedirectAllowList = []string{"javascript:alert(1)"} }),
			"surfaces.directus.redirect_allow_list[0]: must be an absolute"},
		{"redirect allow no host", dir(func(d *Surface[directus.Options]) { d.Options.RedirectAllowList = []string{"https:///x"} }),
			"surfaces.directus.redirect_allow_list[0]: must include a host"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			c := Default()
			tc.change(&c)
			err := c.Validate()
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Validate() = %v\nwant a problem containing %q", err, tc.want)
			}
		})
	}
}

// Values at the edges of what is allowed load without complaint.
func TestDirectusValidValues(t *testing.T) {
	t.Parallel()
	for name, change := range map[string]func(d *Surface[directus.Options]){
		"root mount":   func(d *Surface[directus.Options]) { d.Mount = "/" },
		"nested mount": func(d *Surface[directus.Options]) { d.Mount = "/compat/directus" },
		"disabled":     func(d *Surface[directus.Options]) { d.Enabled = false },
		"superusers":   func(d *Surface[directus.Options]) { d.Options.Collection = "_superusers" },
		"short ttls": func(d *Surface[directus.Options]) {
			d.Options.AccessTTL, d.Options.SessionTTL, d.Options.SessionGrace = Duration(10*time.Second), Duration(31*time.Second), Duration(time.Second)
		},
		"secure on":             func(d *Surface[directus.Options]) { d.Options.CookieSecure = "on" },
		"secure TRUE":           func(d *Surface[directus.Options]) { d.Options.CookieSecure = "TRUE" },
		"same site none secure": func(d *Surface[directus.Options]) { d.Options.CookieSameSite, d.Options.CookieSecure = "none", "true" },
		"same site strict":      func(d *Surface[directus.Options]) { d.Options.CookieSameSite = "Strict" },
		"host prefix secure": func(d *Surface[directus.Options]) {
			d.Options.SessionCookieName, d.Options.CookieSecure = "__Host-session", "true"
		},
		"dotted domain": func(d *Surface[directus.Options]) { d.Options.CookieDomain = ".example.com" },
		"allow lists": func(d *Surface[directus.Options]) {
			d.Options.RedirectAllowList = []string{"http://localhost:3000/cb", "https://app.example"}
		},
		"public url with slash": func(d *Surface[directus.Options]) { d.Options.PublicURL = "https://auth.example/directus/" },
		"registration off":      func(d *Surface[directus.Options]) { d.Options.PublicRegistration = false },
		"one-millisecond stalls": func(d *Surface[directus.Options]) {
			d.Options.LoginStall, d.Options.RegisterStall = Duration(time.Millisecond), Duration(time.Millisecond)
		},
	} {
		c := Default()
		change(&c.Surfaces.Directus)
		if err := c.Validate(); err != nil {
			t.Errorf("%s: Validate() = %v, want nil", name, err)
		}
	}
}

func TestSurfaceResolvedPublicURL(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		appURL, mount, public, want string
	}{
		{"http://127.0.0.1:8090", "/directus", "", "http://127.0.0.1:8090/directus"},
		{"https://auth.example/", "/directus", "", "https://auth.example/directus"},
		{"https://auth.example/", "/", "", "https://auth.example"},
		{"https://example.com/auth/", "/compat/directus", "", "https://example.com/auth/compat/directus"},
		// As written: the surface drops a trailing slash itself.
		{"https://auth.example", "/directus", "https://cms.example/", "https://cms.example/"},
	} {
		c := Default()
		c.App.URL, c.Surfaces.Directus.Mount, c.Surfaces.Directus.Options.PublicURL = tc.appURL, tc.mount, tc.public
		if got := c.Surfaces.Directus.Resolved(c.App.URL).PublicURL; got != tc.want {
			t.Errorf("app %q mount %q public %q: PublicURL = %q, want %q", tc.appURL, tc.mount, tc.public, got, tc.want)
		}
	}
}

// cookie_secure auto follows the public URL the server builds, app.url's
// when public_url is left out.
func TestDirectusCookieSecure(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		appURL, public string
		secure         setting.Switch
		want           bool
	}{
		{"http://127.0.0.1:8090", "", "auto", false},
		{"https://auth.example", "", "auto", true},
		{"HTTPS://auth.example", "", "auto", true},
		{"http://127.0.0.1:8090", "https://auth.example/d", "auto", true},
		{"https://auth.example", "http://internal:8090/d", "auto", false},
		{"http://127.0.0.1:8090", "", "true", true},
		{"http://127.0.0.1:8090", "", "on", true},
		{"https://auth.example", "", "false", false},
		{"https://auth.example", "", "off", false},
	} {
		c := Default()
		c.App.URL, c.Surfaces.Directus.Options.PublicURL, c.Surfaces.Directus.Options.CookieSecure = tc.appURL, tc.public, tc.secure
		if got := c.Surfaces.Directus.Resolved(c.App.URL).SecureCookies(); got != tc.want {
			t.Errorf("app %q public %q cookie_secure %q: SecureCookies() = %v, want %v", tc.appURL, tc.public, tc.secure, got, tc.want)
		}
	}
}

func TestDirectusLoadFileAndEnv(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
surfaces:
  directus:
    mount: /compat
    access_ttl: 31s
    session_grace: 2s
    cookie_secure: true
    cookie_same_site: none
    password_reset_url_allow_list: [https://app.example/reset]
    public_registration: false
    graphql:
      max_costly: 1
`)
	got, err := Load(path, env(map[string]string{
		"GATEHOUSE_DIRECTUS_MOUNT":                         "/",
		"GATEHOUSE_DIRECTUS_SESSION_TTL":                   "1h",
		"GATEHOUSE_DIRECTUS_REDIRECT_ALLOW_LIST":           " https://a.example/cb , ,https://b.example ",
		"GATEHOUSE_DIRECTUS_COOKIE_DOMAIN":                 "example.com",
		"GATEHOUSE_DIRECTUS_PUBLIC_REGISTRATION":           "on",
		"GATEHOUSE_DIRECTUS_PUBLIC_URL":                    "https://auth.example",
		"GATEHOUSE_DIRECTUS_PASSWORD_RESET_URL_ALLOW_LIST": "",
		"GATEHOUSE_SURFACES_DIRECTUS_GRAPHQL_MAX_DEPTH":    "30",
	}))
	if err != nil {
		t.Fatal(err)
	}
	want := Default().Surfaces.Directus
	want.Mount = "/"
	want.Options.AccessTTL = Duration(31 * time.Second)
	want.Options.SessionTTL = Duration(time.Hour)
	want.Options.SessionGrace = Duration(2 * time.Second)
	want.Options.CookieSecure = "true"
	want.Options.CookieSameSite = "none"
	want.Options.CookieDomain = "example.com"
	want.Options.PublicURL = "https://auth.example"
	want.Options.PasswordResetURLAllowList = []string{"https://app.example/reset"} // an empty variable is unset
	want.Options.RedirectAllowList = []string{"https://a.example/cb", "https://b.example"}
	want.Options.PublicRegistration = true
	want.Options.GraphQL.MaxCostly, want.Options.GraphQL.MaxDepth = 1, 30
	if diff := cmp.Diff(want, got.Surfaces.Directus); diff != "" {
		t.Errorf("surfaces.directus (-want +got):\n%s", diff)
	}
}

func TestDirectusLoadErrorsNameTheOption(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
surfaces:
  directus:
    access_ttl: soon
    enabled: maybe
    mountt: /x
`)
	_, err := Load(path, nil)
	for _, want := range []string{
		"surfaces.directus.access_ttl:",
		"surfaces.directus.enabled: want true or false",
		"surfaces.directus.mountt: unknown option",
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load = %v, want a problem containing %q", err, want)
		}
	}
	_, err = Load("", env(map[string]string{
		"GATEHOUSE_DIRECTUS_ENABLED":    "sometimes",
		"GATEHOUSE_DIRECTUS_ACCESS_TTL": "soon",
		"GATEHOUSE_DIRECTUS_MOUNT":      "/api/",
	}))
	for _, want := range []string{
		`GATEHOUSE_DIRECTUS_ENABLED (surfaces.directus.enabled): want on or off, got "sometimes"`,
		`GATEHOUSE_DIRECTUS_ACCESS_TTL (surfaces.directus.access_ttl): invalid duration "soon"`,
		`surfaces.directus.mount: must not end with /`,
	} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load = %v, want a problem containing %q", err, want)
		}
	}
}

// A public URL built from a broken app.url is reported once, as app.url;
// one written in the file is reported as itself.
func TestDerivedPublicURLReportedOnce(t *testing.T) {
	t.Parallel()
	c := Default()
	c.App.URL = "/relative"
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), "app.url: must be an absolute") ||
		strings.Contains(err.Error(), "surfaces.directus.public_url") {
		t.Errorf("Validate() = %v, want app.url's problem alone", err)
	}
	c.Surfaces.Directus.Options.PublicURL = "/directus"
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), "surfaces.directus.public_url: must be an absolute") {
		t.Errorf("Validate() = %v, want public_url's own problem too", err)
	}
}

// TestPayloadGraphQLLimits: surfaces.payload.graphql.* load from the file
// and the environment, and a limit out of its bounds is named by its key.
func TestPayloadGraphQLLimits(t *testing.T) {
	t.Parallel()
	path := writeConfig(t, `
surfaces:
  payload:
    graphql:
      max_costly: 1
      max_aliases: 7
`)
	got, err := Load(path, env(map[string]string{"GATEHOUSE_SURFACES_PAYLOAD_GRAPHQL_MAX_DEPTH": "30"}))
	if err != nil {
		t.Fatal(err)
	}
	if l := got.Surfaces.Payload.Options.GraphQL; l.MaxCostly != 1 || l.MaxAliases != 7 || l.MaxDepth != 30 || l.MaxFields != 1000 {
		t.Errorf("GraphQL = %+v", l)
	}
	_, err = Load("", env(map[string]string{"GATEHOUSE_SURFACES_PAYLOAD_GRAPHQL_MAX_DEPTH": "14"}))
	if want := "surfaces.payload.graphql.max_depth: must be between 15 and 100, got 14"; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Load = %v, want %q", err, want)
	}
}
