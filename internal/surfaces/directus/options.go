package directus

import (
	"net/http"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// Options are the surface's settings, each declared here once: its YAML
// key under surfaces.directus (the tag; the environment variable is named
// from it), its default (DefaultOptions) and its rules (Validate). The
// configuration file decodes into this type and a Go caller fills it in;
// both are checked by the same Validate. The defaults are Directus's own,
// except CookieSecure (auto) and PublicRegistration (on, so the
// collection's public_signup decides).
type Options struct {
	// Collection is the auth collection (name or id) whose accounts log in
	// through the surface: "users" or "_superusers" in the file.
	Collection string `yaml:"collection"`
	// PublicURL is the surface's base URL as clients see it, including
	// its mount ("https://auth.example/directus"): the base of mailed
	// links and SSO callbacks. A trailing slash is dropped. The file may
	// leave it empty for app.url followed by the mount; a Go caller must
	// set it.
	PublicURL string `yaml:"public_url"`

	// AccessTTL is an access token's lifetime in the json and cookie
	// modes; RefreshTTL how long a refresh token (and its session) lives
	// unused; SessionTTL the session mode's token and session lifetime.
	AccessTTL  setting.Duration `yaml:"access_ttl"`
	RefreshTTL setting.Duration `yaml:"refresh_ttl"`
	SessionTTL setting.Duration `yaml:"session_ttl"`
	// SessionGrace is how long a rotated session-mode token still works,
	// for requests already on their way.
	SessionGrace setting.Duration `yaml:"session_grace"`
	// LoginStall pads every login answer (and password reset request) to
	// at least this long, so success and failure take the same time;
	// RegisterStall does the same for registration.
	LoginStall    setting.Duration `yaml:"login_stall"`
	RegisterStall setting.Duration `yaml:"register_stall"`

	// RefreshCookieName and SessionCookieName are the cookies of the
	// cookie and session modes.
	RefreshCookieName string `yaml:"refresh_cookie_name"`
	SessionCookieName string `yaml:"session_cookie_name"`
	// CookieSecure marks both cookies Secure: auto does when PublicURL is
	// https (SecureCookies).
	CookieSecure setting.Switch `yaml:"cookie_secure"`
	// CookieSameSite is lax, strict or none, in any case.
	CookieSameSite string `yaml:"cookie_same_site"`
	// CookieDomain shares the cookies with subdomains; empty keeps them on
	// the exact host.
	CookieDomain string `yaml:"cookie_domain"`

	// PasswordResetURLAllowList lists the reset_url values a client may
	// ask for (compared without query); empty allows only the default
	// link, PublicURL + "/admin/reset-password".
	PasswordResetURLAllowList []string `yaml:"password_reset_url_allow_list"`
	// RegisterURLAllowList is the same for registration's
	// verification_url.
	RegisterURLAllowList []string `yaml:"register_url_allow_list"`
	// RedirectAllowList lists SSO `redirect` targets besides relative
	// paths and URLs under PublicURL.
	RedirectAllowList []string `yaml:"redirect_allow_list"`
	// PublicRegistration enables POST /users/register; false answers 403
	// FORBIDDEN.
	PublicRegistration bool `yaml:"public_registration"`

	// GraphQL bounds each request to /graphql/system (depth, aliases,
	// fields, length, and how many password-checking mutations it runs).
	// Directus has no batches, whatever MaxBatch says.
	GraphQL gql.Limits `yaml:"graphql"`
}

// DefaultOptions returns Directus's defaults. PublicURL has none: the
// configuration derives it from app.url and the mount.
func DefaultOptions() Options {
	return Options{
		Collection:                core.UsersName,
		AccessTTL:                 setting.Duration(15 * time.Minute),
		RefreshTTL:                setting.Duration(7 * 24 * time.Hour),
		SessionTTL:                setting.Duration(24 * time.Hour),
		SessionGrace:              setting.Duration(10 * time.Second),
		LoginStall:                setting.Duration(500 * time.Millisecond),
		RegisterStall:             setting.Duration(750 * time.Millisecond),
		RefreshCookieName:         "directus_refresh_token",
		SessionCookieName:         "directus_session_token",
		CookieSecure:              setting.Auto,
		CookieSameSite:            "lax",
		PasswordResetURLAllowList: []string{},
		RegisterURLAllowList:      []string{},
		RedirectAllowList:         []string{},
		PublicRegistration:        true,
		GraphQL:                   graphqlLimits(),
	}
}

// withDefaults fills zero durations, names and cookie attributes with
// the defaults, so a Go caller may set only some options. (The file
// cannot leave them zero: Validate refuses that.)
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	fill := func(v *setting.Duration, def setting.Duration) {
		if *v == 0 {
			*v = def
		}
	}
	fill(&o.AccessTTL, d.AccessTTL)
	fill(&o.RefreshTTL, d.RefreshTTL)
	fill(&o.SessionTTL, d.SessionTTL)
	fill(&o.SessionGrace, d.SessionGrace)
	fill(&o.LoginStall, d.LoginStall)
	fill(&o.RegisterStall, d.RegisterStall)
	o.GraphQL = o.GraphQL.WithDefaults()
	for _, s := range []struct{ v, def *string }{
		{&o.Collection, &d.Collection}, {&o.RefreshCookieName, &d.RefreshCookieName},
		{&o.SessionCookieName, &d.SessionCookieName}, {&o.CookieSameSite, &d.CookieSameSite},
	} {
		if *s.v == "" {
			*s.v = *s.def
		}
	}
	if o.CookieSecure == "" {
		o.CookieSecure = d.CookieSecure
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	return o
}

// DefaultPublicURL sets PublicURL to base when it is empty, reporting
// whether it did: the configuration passes app.url followed by the
// mount.
func (o *Options) DefaultPublicURL(base string) bool {
	if o.PublicURL != "" {
		return false
	}
	o.PublicURL = base
	return true
}

// AuthCollection names the auth collection the surface binds, for the
// configuration to check against the collections it knows.
func (o Options) AuthCollection() string { return o.Collection }

// SecureCookies reports whether the cookies are marked Secure: as
// CookieSecure says, or with auto when PublicURL is https, so a cookie
// never travels in clear text to an https deployment.
func (o Options) SecureCookies() bool {
	return o.CookieSecure.Resolve(strings.HasPrefix(strings.ToLower(o.PublicURL), "https://"))
}

// sameSite is CookieSameSite as net/http spells it (Validate has refused
// anything but lax, strict and none).
func (o Options) sameSite() http.SameSite {
	ss, _ := httpapi.ParseSameSite(o.CookieSameSite)
	return ss
}

// validate checks o for NewHandler, naming each problem by its field.
func (o Options) validate() error {
	return o.Validate().ErrorFor("directus", reflect.TypeFor[Options]())
}

// Validate reports every invalid option by its YAML key. The file and a
// Go caller are held to the same rules; the configuration adds only what
// needs other sections (the collection's name, the mount).
func (o Options) Validate() setting.Problems {
	var p setting.Problems
	if o.Collection == "" {
		p.Add("collection", "must name an auth collection")
	}
	if err := core.CheckBaseURL(o.PublicURL); err != nil {
		p.Add("public_url", "%v", err)
	}
	for _, ttl := range []struct {
		key string
		d   setting.Duration
	}{{"access_ttl", o.AccessTTL}, {"refresh_ttl", o.RefreshTTL}, {"session_ttl", o.SessionTTL}} {
		if ttl.d.Std() < core.MinTokenTTL || ttl.d.Std() > core.MaxTokenTTL {
			p.Add(ttl.key, "must be between %s and %s (about 3 years), got %s",
				setting.Duration(core.MinTokenTTL), setting.Duration(core.MaxTokenTTL), ttl.d)
		}
	}
	switch {
	case o.SessionGrace.Std() < time.Millisecond || o.SessionGrace.Std() > time.Hour:
		p.Add("session_grace", "must be between 1ms and 1h, got %s", o.SessionGrace)
	case o.SessionGrace >= o.SessionTTL && o.SessionTTL > 0:
		p.Add("session_grace", "must be shorter than session_ttl (%s), got %s", o.SessionTTL, o.SessionGrace)
	}
	// A stall must be positive and short enough not to tie up connections.
	for _, st := range []struct {
		key string
		d   setting.Duration
	}{{"login_stall", o.LoginStall}, {"register_stall", o.RegisterStall}} {
		if st.d.Std() < time.Millisecond || st.d.Std() > 10*time.Second {
			p.Add(st.key, "must be between 1ms and 10s, got %s", st.d)
		}
	}
	o.validateCookies(&p)
	for _, pr := range o.GraphQL.Validate() {
		p = append(p, setting.Problem{Key: "graphql." + pr.Key, Err: pr.Err})
	}
	for _, l := range []struct {
		key  string
		list []string
	}{
		{"password_reset_url_allow_list", o.PasswordResetURLAllowList},
		{"register_url_allow_list", o.RegisterURLAllowList},
		{"redirect_allow_list", o.RedirectAllowList},
	} {
		// Entries are compared without their query, so core's link
		// policy refuses one with a query.
		for i, u := range l.list {
			if err := core.CheckBaseURL(u); err != nil {
				p.Add(l.key+"["+strconv.Itoa(i)+"]", "%v", err)
			}
		}
	}
	return p
}

// cookieName is an RFC 6265 token, which is what a cookie name must be.
var cookieName = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]+$")

// cookieDomain is a host name, with an optional leading dot.
var cookieDomain = regexp.MustCompile(`^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// validateCookies checks the cookie names and attributes, and that those
// needing Secure (SameSite=None, the __Secure- and __Host- prefixes) get
// it, since browsers drop such cookies otherwise.
func (o Options) validateCookies(p *setting.Problems) {
	secure := o.SecureCookies()
	for _, c := range []struct{ key, name string }{
		{"refresh_cookie_name", o.RefreshCookieName}, {"session_cookie_name", o.SessionCookieName},
	} {
		switch {
		case !cookieName.MatchString(c.name):
			p.Add(c.key, "must be a cookie name (letters, digits and !#$%%&'*+-.^_`|~), got %q", c.name)
		case (strings.HasPrefix(c.name, "__Secure-") || strings.HasPrefix(c.name, "__Host-")) && !secure:
			p.Add(c.key, "%q needs Secure cookies (cookie_secure true, or an https public URL)", c.name)
		case strings.HasPrefix(c.name, "__Host-") && o.CookieDomain != "":
			p.Add(c.key, "%q cannot be used with cookie_domain: browsers refuse a __Host- cookie with a Domain", c.name)
		}
	}
	if o.RefreshCookieName == o.SessionCookieName {
		p.Add("session_cookie_name", "must differ from refresh_cookie_name (both %q)", o.SessionCookieName)
	}
	if !o.CookieSecure.Valid() {
		p.Add("cookie_secure", "must be auto, true or false, got %q", o.CookieSecure)
	}
	if ss, ok := httpapi.ParseSameSite(o.CookieSameSite); !ok || o.CookieSameSite == "" {
		p.Add("cookie_same_site", "must be lax, strict or none, got %q", o.CookieSameSite)
	} else if ss == http.SameSiteNoneMode && !secure {
		p.Add("cookie_same_site", "none needs Secure cookies (cookie_secure true, or an https public URL): browsers drop SameSite=None cookies without Secure")
	}
	if o.CookieDomain != "" && (len(o.CookieDomain) > 253 || !cookieDomain.MatchString(o.CookieDomain)) {
		p.Add("cookie_domain", "must be a host name like example.com, got %q", o.CookieDomain)
	}
}
