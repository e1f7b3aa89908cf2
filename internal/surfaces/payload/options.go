package payload

import (
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
	"github.com/gatehouse/gatehouse/internal/setting"
)

// Options are the surface's settings, each declared here once: its YAML
// key under surfaces.payload (the tag; the environment variable is named
// from it), its default (DefaultOptions) and its rules (Validate). The
// defaults are Payload's own, except CookieSecure (auto) and LoginStall
// (Gatehouse pads logins; Payload does not).
type Options struct {
	// APIPrefix is Payload's routes.api: where the REST API lives under
	// the mount ("/api", so /payload/api/users/login by default).
	APIPrefix string `yaml:"api_prefix"`
	// Slugs binds each Payload collection slug to one of Gatehouse's auth
	// collections (name or id). Empty means {users: users} (DefaultSlugs):
	// the default lives outside the map, so a file that lists its own
	// slugs replaces it instead of adding to it. A collection may be bound
	// to one slug only.
	Slugs map[string]string `yaml:"slugs"`
	// ServerURL is Payload's serverURL, the site's base as clients see it
	// ("https://cms.example"): mailed links start with it. The file may
	// leave it empty for app.url followed by the mount; a Go caller must
	// set it.
	ServerURL string `yaml:"public_url"`
	// AdminRoute is Payload's routes.admin, the admin panel's path under
	// ServerURL, where the mailed reset and verification links point.
	AdminRoute string `yaml:"admin_route"`

	// CookiePrefix names the auth cookie: "<prefix>-token".
	CookiePrefix string `yaml:"cookie_prefix"`
	// CookieSecure marks the cookie Secure: auto does when ServerURL is
	// https.
	CookieSecure setting.Switch `yaml:"cookie_secure"`
	// CookieDomain shares the cookie with subdomains; empty keeps it on
	// the exact host.
	CookieDomain string `yaml:"cookie_domain"`
	// CSRF lists the browser origins (scheme://host[:port]) besides the
	// request's own that may send cookie-authenticated writes: Payload's
	// `csrf` list.
	CSRF []string `yaml:"csrf"`

	// TokenExpiration is the access token's lifetime (Payload's
	// tokenExpiration, 7200 s); refresh-token extends a session by as
	// much.
	TokenExpiration setting.Duration `yaml:"token_expiration"`
	// MaxLoginAttempts failed passwords in a row lock an account for
	// LockTime (Payload's maxLoginAttempts and lockTime); 0 turns the
	// lockout off for this surface.
	MaxLoginAttempts int              `yaml:"max_login_attempts"`
	LockTime         setting.Duration `yaml:"lock_time"`
	// Verify requires a verified email to log in, and mails new users a
	// verification link (Payload's auth.verify).
	Verify bool `yaml:"verify"`
	// UnlockAccess is who may unlock an account: "user" (any logged-in
	// user of the collection, Payload's default) or "superuser".
	UnlockAccess string `yaml:"unlock_access"`
	// LoginStall pads logins, password reset requests and first-register
	// to at least this long, so success and failure take the same time.
	LoginStall setting.Duration `yaml:"login_stall"`

	// GraphQL bounds each request to <api>/graphql (depth, aliases,
	// fields, length, and how many password-checking mutations it runs).
	// Payload's endpoint takes no batches, whatever MaxBatch says.
	GraphQL gql.Limits `yaml:"graphql"`
}

// DefaultOptions returns Payload's defaults. ServerURL has none: the
// configuration derives it from app.url and the mount.
func DefaultOptions() Options {
	return Options{
		APIPrefix:        "/api",
		Slugs:            map[string]string{},
		AdminRoute:       "/admin",
		CookiePrefix:     "payload",
		CookieSecure:     setting.Auto,
		CSRF:             []string{},
		TokenExpiration:  setting.Duration(7200 * time.Second),
		MaxLoginAttempts: 5,
		LockTime:         setting.Duration(10 * time.Minute),
		UnlockAccess:     "user",
		LoginStall:       setting.Duration(500 * time.Millisecond),
		GraphQL:          graphqlDefaults(),
	}
}

// graphqlDefaults are the layer's default limits, without batches:
// Payload's endpoint reads one operation per request.
func graphqlDefaults() gql.Limits {
	l := gql.DefaultLimits()
	l.MaxBatch = 0
	return l
}

// DefaultSlugs is what an empty Slugs means: Payload's usual `users`
// slug for Gatehouse's users collection.
func DefaultSlugs() map[string]string { return map[string]string{"users": core.UsersName} }

// withDefaults fills what a Go caller left zero with the defaults (the
// file cannot: Validate refuses it). MaxLoginAttempts and Verify keep
// their zero values, which mean something.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	if o.APIPrefix == "" {
		o.APIPrefix = d.APIPrefix
	}
	if len(o.Slugs) == 0 {
		o.Slugs = DefaultSlugs()
	}
	if o.AdminRoute == "" {
		o.AdminRoute = d.AdminRoute
	}
	if o.CookiePrefix == "" {
		o.CookiePrefix = d.CookiePrefix
	}
	if o.CookieSecure == "" {
		o.CookieSecure = d.CookieSecure
	}
	if o.TokenExpiration == 0 {
		o.TokenExpiration = d.TokenExpiration
	}
	if o.LockTime == 0 {
		o.LockTime = d.LockTime
	}
	if o.UnlockAccess == "" {
		o.UnlockAccess = d.UnlockAccess
	}
	if o.LoginStall == 0 {
		o.LoginStall = d.LoginStall
	}
	o.GraphQL = o.GraphQL.WithDefaults()
	o.ServerURL = strings.TrimRight(o.ServerURL, "/")
	return o
}

// DefaultPublicURL sets ServerURL to base when it is empty, reporting
// whether it did: the configuration passes app.url followed by the
// mount.
func (o *Options) DefaultPublicURL(base string) bool {
	if o.ServerURL != "" {
		return false
	}
	o.ServerURL = base
	return true
}

// CookieName is the auth cookie's name, "payload-token" by default.
func (o Options) CookieName() string { return o.CookiePrefix + "-token" }

// SecureCookies reports whether the cookie is marked Secure: as
// CookieSecure says, or with auto when ServerURL is https.
func (o Options) SecureCookies() bool {
	return o.CookieSecure.Resolve(strings.HasPrefix(strings.ToLower(o.ServerURL), "https://"))
}

// SortedSlugs returns the slugs in order, so routes and answers do not
// depend on map order.
func (o Options) SortedSlugs() []string {
	out := make([]string, 0, len(o.Slugs))
	for s := range o.Slugs {
		out = append(out, s)
	}
	slices.Sort(out)
	return out
}

// Roots returns the top-level paths the surface serves, relative to its
// mount: one per slug under the API prefix, the permissions view and
// GraphQL.
// Mounted at "/", it claims exactly these, so a slug equal to one of
// PocketBase's /api groups is refused where the surfaces are mounted.
func (o Options) Roots() []string {
	o = o.withDefaults()
	out := make([]string, 0, len(o.Slugs)+1)
	for _, s := range o.SortedSlugs() {
		out = append(out, o.APIPrefix+"/"+s)
	}
	return append(out, o.APIPrefix+"/access", o.APIPrefix+"/graphql")
}

// validate checks o for NewHandler, naming each problem by its field.
func (o Options) validate() error {
	return o.Validate().ErrorFor("payload", reflect.TypeFor[Options]())
}

// slugPattern is a Payload collection slug: one URL path segment of
// letters, digits, - and _.
var slugPattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,62}$`)

// apiPrefixPattern is "/" followed by segments like slugs.
var apiPrefixPattern = regexp.MustCompile(`^(/[A-Za-z0-9._~-]+)+$`)

// reservedSlugs are names Payload itself uses beside the slugs under
// the API prefix (the permissions view, GraphQL).
var reservedSlugs = []string{"access", "graphql", "graphql-playground"}

// cookiePrefixPattern keeps the cookie's name an RFC 6265 token.
var cookiePrefixPattern = regexp.MustCompile("^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$")

// cookieDomain is a host name, with an optional leading dot.
var cookieDomain = regexp.MustCompile(`^\.?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$`)

// Validate reports every invalid option by its YAML key.
func (o Options) Validate() setting.Problems {
	var p setting.Problems
	if !apiPrefixPattern.MatchString(o.APIPrefix) {
		p.Add("api_prefix", "must be a path like /api (no trailing slash), got %q", o.APIPrefix)
	}
	o.validateSlugs(&p)
	if err := core.CheckBaseURL(o.ServerURL); err != nil {
		p.Add("public_url", "%v", err)
	}
	if o.AdminRoute != "/" && !apiPrefixPattern.MatchString(o.AdminRoute) {
		p.Add("admin_route", "must be a path like /admin, got %q", o.AdminRoute)
	}
	if !cookiePrefixPattern.MatchString(o.CookiePrefix) {
		p.Add("cookie_prefix", "must be letters, digits and !#$%%&'*+-.^_`|~, got %q", o.CookiePrefix)
	}
	if !o.CookieSecure.Valid() {
		p.Add("cookie_secure", "must be auto, true or false, got %q", o.CookieSecure)
	}
	if o.CookieDomain != "" && (len(o.CookieDomain) > 253 || !cookieDomain.MatchString(o.CookieDomain)) {
		p.Add("cookie_domain", "must be a host name like example.com, got %q", o.CookieDomain)
	}
	for i, origin := range o.CSRF {
		if err := core.CheckBaseURL(origin); err != nil || strings.Count(origin, "/") != 2 {
			p.Add("csrf["+strconv.Itoa(i)+"]", "must be an origin like https://app.example (no path), got %q", origin)
		}
	}
	if d := o.TokenExpiration.Std(); d < core.MinTokenTTL || d > core.MaxTokenTTL {
		p.Add("token_expiration", "must be between %s and %s, got %s",
			setting.Duration(core.MinTokenTTL), setting.Duration(core.MaxTokenTTL), o.TokenExpiration)
	}
	if o.MaxLoginAttempts < 0 || o.MaxLoginAttempts > 1000 {
		p.Add("max_login_attempts", "must be between 0 (no lockout) and 1000, got %d", o.MaxLoginAttempts)
	}
	if d := o.LockTime.Std(); d < time.Second || d > 30*24*time.Hour {
		p.Add("lock_time", "must be between 1s and 720h, got %s", o.LockTime)
	}
	if o.UnlockAccess != "user" && o.UnlockAccess != "superuser" {
		p.Add("unlock_access", "must be user or superuser, got %q", o.UnlockAccess)
	}
	if d := o.LoginStall.Std(); d < time.Millisecond || d > 10*time.Second {
		p.Add("login_stall", "must be between 1ms and 10s, got %s", o.LoginStall)
	}
	for _, pr := range o.GraphQL.Validate() {
		p = append(p, setting.Problem{Key: "graphql." + pr.Key, Err: pr.Err})
	}
	return p
}

// validateSlugs checks each slug's shape and that no collection is bound
// twice (a token's `collection` claim must name one slug).
func (o Options) validateSlugs(p *setting.Problems) {
	if len(o.Slugs) == 0 {
		o.Slugs = DefaultSlugs()
	}
	bound := map[string]string{}
	for _, s := range o.SortedSlugs() {
		c := o.Slugs[s]
		switch {
		case !slugPattern.MatchString(s):
			p.Add("slugs", "slug %q must be letters, digits, - and _ (at most 63)", s)
		case slices.Contains(reservedSlugs, s):
			p.Add("slugs", "slug %q is Payload's own route under the API prefix", s)
		case c == "":
			p.Add("slugs."+s, "must name an auth collection")
		case bound[c] != "":
			p.Add("slugs."+s, "collection %q is already bound to slug %q", c, bound[c])
		default:
			bound[c] = s
		}
	}
}

// unlockRule is UnlockAccess as core's rule.
func (o Options) unlockRule() core.UnlockRule {
	if o.UnlockAccess == "superuser" {
		return core.UnlockBySuperuser
	}
	return core.UnlockByMember
}

// slugError names a slug's option in an error of NewHandler.
func slugError(slug string, err error) error { return fmt.Errorf("payload: slugs.%s: %w", slug, err) }
