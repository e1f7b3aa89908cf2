package directus

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Options are the surface's settings; DefaultOptions fills Directus's
// defaults.
type Options struct {
	// Collection is the auth collection (name or id) the surface binds;
	// default "users".
	Collection string
	// PublicURL is the surface's public base URL including its mount,
	// e.g. "http://127.0.0.1:8090/directus", without a trailing slash. It
	// is the base of mailed links and SSO callbacks.
	PublicURL string

	AccessTTL    time.Duration // json and cookie modes; 15m
	RefreshTTL   time.Duration // 7d
	SessionTTL   time.Duration // session mode's token and session; 24h
	SessionGrace time.Duration // how long a rotated session token still works; 10s
	// LoginStall pads every login answer (and password reset request)
	// to at least this long, so success and failure take the same time.
	LoginStall    time.Duration // 500ms
	RegisterStall time.Duration // 750ms

	RefreshCookieName string        // "directus_refresh_token"
	SessionCookieName string        // "directus_session_token"
	CookieSecure      bool          // false
	CookieSameSite    http.SameSite // http.SameSiteLaxMode
	CookieDomain      string        // ""

	// PasswordResetURLAllowList lists the reset_url values a client may
	// ask for (compared without query); empty allows only the default
	// link, PublicURL + "/admin/reset-password".
	PasswordResetURLAllowList []string
	// RegisterURLAllowList is the same for registration's
	// verification_url.
	RegisterURLAllowList []string
	// RedirectAllowList lists SSO `redirect` targets besides relative
	// paths and URLs under PublicURL.
	RedirectAllowList []string
	// PublicRegistration enables POST /users/register; false answers 403
	// FORBIDDEN. Default true.
	PublicRegistration bool
}

// DefaultOptions returns Directus's defaults. PublicURL has none: the
// server derives it from its own URL and the mount.
func DefaultOptions() Options {
	return Options{
		Collection:         "users",
		AccessTTL:          15 * time.Minute,
		RefreshTTL:         7 * 24 * time.Hour,
		SessionTTL:         24 * time.Hour,
		SessionGrace:       10 * time.Second,
		LoginStall:         500 * time.Millisecond,
		RegisterStall:      750 * time.Millisecond,
		RefreshCookieName:  "directus_refresh_token",
		SessionCookieName:  "directus_session_token",
		CookieSameSite:     http.SameSiteLaxMode,
		PublicRegistration: true,
	}
}

// withDefaults fills zero durations and names with Directus's defaults,
// so callers may override only some options.
func (o Options) withDefaults() Options {
	d := DefaultOptions()
	fill := func(v *time.Duration, def time.Duration) {
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
	if o.Collection == "" {
		o.Collection = d.Collection
	}
	if o.RefreshCookieName == "" {
		o.RefreshCookieName = d.RefreshCookieName
	}
	if o.SessionCookieName == "" {
		o.SessionCookieName = d.SessionCookieName
	}
	if o.CookieSameSite == 0 || o.CookieSameSite == http.SameSiteDefaultMode {
		o.CookieSameSite = d.CookieSameSite
	}
	o.PublicURL = strings.TrimRight(o.PublicURL, "/")
	return o
}

// validate reports the first invalid option, naming it.
func (o Options) validate() error {
	if err := checkBaseURL(o.PublicURL); err != nil {
		return fmt.Errorf("directus: PublicURL: %w", err)
	}
	durations := []struct {
		name string
		v    time.Duration
	}{
		{"AccessTTL", o.AccessTTL}, {"RefreshTTL", o.RefreshTTL}, {"SessionTTL", o.SessionTTL},
		{"SessionGrace", o.SessionGrace}, {"LoginStall", o.LoginStall}, {"RegisterStall", o.RegisterStall},
	}
	for _, d := range durations {
		if d.v < 0 {
			return fmt.Errorf("directus: %s must not be negative", d.name)
		}
	}
	if o.LoginStall > time.Minute || o.RegisterStall > time.Minute {
		return errors.New("directus: LoginStall and RegisterStall must be at most a minute")
	}
	for _, name := range []string{o.RefreshCookieName, o.SessionCookieName} {
		if !validCookieName(name) {
			return fmt.Errorf("directus: cookie name %q is not a valid cookie name", name)
		}
	}
	if o.RefreshCookieName == o.SessionCookieName {
		return errors.New("directus: RefreshCookieName and SessionCookieName must differ")
	}
	switch o.CookieSameSite {
	case http.SameSiteLaxMode, http.SameSiteStrictMode:
	case http.SameSiteNoneMode:
		if !o.CookieSecure {
			return errors.New("directus: CookieSameSite None needs CookieSecure (browsers drop the cookie otherwise)")
		}
	default:
		return fmt.Errorf("directus: CookieSameSite %d is not Lax, Strict or None", o.CookieSameSite)
	}
	lists := []struct {
		name string
		v    []string
	}{
		{"PasswordResetURLAllowList", o.PasswordResetURLAllowList}, {"RegisterURLAllowList", o.RegisterURLAllowList},
		{"RedirectAllowList", o.RedirectAllowList},
	}
	for _, l := range lists {
		for _, u := range l.v {
			if _, err := absoluteURL(u); err != nil {
				return fmt.Errorf("directus: %s entry %q: %w", l.name, u, err)
			}
		}
	}
	return nil
}

// checkBaseURL checks PublicURL: an absolute http(s) URL without query
// or fragment.
func checkBaseURL(s string) error {
	u, err := absoluteURL(s)
	if err != nil {
		return err
	}
	if u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return errors.New("must not have a query, fragment or user info")
	}
	return nil
}

// absoluteURL parses an absolute http or https URL with a host.
func absoluteURL(s string) (*url.URL, error) {
	if s == "" {
		return nil, errors.New("is empty")
	}
	u, err := url.Parse(s)
	if err != nil {
		return nil, errors.New("is not a URL")
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, errors.New("is not an absolute http or https URL")
	}
	return u, nil
}

// validCookieName reports an RFC 6265 token: what browsers accept as a
// cookie name.
func validCookieName(s string) bool {
	if s == "" {
		return false
	}
	for i := range len(s) {
		c := s[i]
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`()<>@,;:\"/[]?={}`, c) >= 0 {
			return false
		}
	}
	return true
}
