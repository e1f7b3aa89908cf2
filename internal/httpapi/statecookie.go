package httpapi

import (
	"net/http"
	"time"
)

// StateCookie carries a browser login's signed state (core.BeginOAuth2)
// from its start to the provider's callback, one cookie per provider so
// two logins in two tabs do not overwrite each other.
//
// It is always HttpOnly and SameSite=Lax: the provider's redirect back
// is a cross-site navigation, on which a Strict cookie would not be sent,
// and a None one would also ride on other sites' subrequests.
type StateCookie struct {
	// Prefix names the cookies: a provider's is Prefix+provider
	// (Directus: "oauth2.").
	Prefix string
	// Options give Secure, Domain and Path; SameSite is ignored.
	Options CookieOptions
}

// Name is the provider's state cookie name.
func (s StateCookie) Name(provider string) string { return s.Prefix + provider }

// Set keeps a provider's state for ttl (at least a second).
func (s StateCookie) Set(w http.ResponseWriter, provider, value string, ttl time.Duration) {
	SetCookie(w, s.Name(provider), value, max(time.Second, ttl), s.options())
}

// Take returns the provider's state the request carried, "" when none,
// and when there was one tells the browser to delete it: a state is good
// for one callback, whatever its outcome.
func (s StateCookie) Take(w http.ResponseWriter, r *http.Request, provider string) string {
	v := cookieValue(r, s.Name(provider))
	if v != "" {
		ClearCookie(w, s.Name(provider), s.options())
	}
	return v
}

func (s StateCookie) options() CookieOptions {
	o := s.Options
	o.SameSite = http.SameSiteLaxMode
	return o
}
