package httpapi

import (
	"net/http"
	"strings"
	"time"
)

// CookieOptions are the attributes every cookie of a deployment shares.
type CookieOptions struct {
	// Secure marks cookies Secure; set it when the public URL is https,
	// so a cookie never travels in clear text.
	Secure bool
	// Domain, when set, shares the cookie with subdomains; empty keeps it
	// on the exact host, which is the safer default.
	Domain string
	// Path limits the cookie to a path prefix; empty means "/".
	Path string
	// SameSite defaults to Lax: sent on top-level navigations from other
	// sites, not on their cross-site POSTs or subrequests. None requires
	// Secure, or browsers drop the cookie.
	SameSite http.SameSite
	// Expires also writes an Expires attribute beside Max-Age on a cookie
	// with a lifetime (Payload's clients expect one): browsers that know
	// Max-Age prefer it, so the two never disagree in effect.
	Expires bool
}

// SetCookie sets an HttpOnly cookie, so page scripts (and an XSS) cannot
// read it. maxAge is rounded up to whole seconds; 0 makes a session
// cookie (no Max-Age) and a negative maxAge deletes the cookie, as
// ClearCookie does. A name or value net/http considers invalid is not
// sent.
func SetCookie(w http.ResponseWriter, name, value string, maxAge time.Duration, o CookieOptions) {
	c := newCookie(name, value, o)
	switch {
	case maxAge < 0:
		expire(c)
	case maxAge > 0:
		c.MaxAge = int((maxAge + time.Second - 1) / time.Second)
		if o.Expires {
			c.Expires = time.Now().Add(time.Duration(c.MaxAge) * time.Second).UTC()
		}
	}
	http.SetCookie(w, c)
}

// ClearCookie tells the browser to delete the cookie name. The attributes
// must match the ones it was set with (Domain and Path especially), or
// the browser keeps the original, so pass the same options.
func ClearCookie(w http.ResponseWriter, name string, o CookieOptions) {
	c := newCookie(name, "", o)
	expire(c)
	http.SetCookie(w, c)
}

func newCookie(name, value string, o CookieOptions) *http.Cookie {
	c := &http.Cookie{
		Name:     name,
		Value:    value,
		Domain:   o.Domain,
		Path:     o.Path,
		Secure:   o.Secure,
		HttpOnly: true,
		SameSite: o.SameSite,
	}
	if c.Path == "" {
		c.Path = "/"
	}
	if c.SameSite == 0 || c.SameSite == http.SameSiteDefaultMode {
		c.SameSite = http.SameSiteLaxMode
	}
	return c
}

// expire makes c a deletion: Max-Age=0 for current browsers and an
// Expires in the past for old ones.
func expire(c *http.Cookie) {
	c.MaxAge = -1
	c.Expires = time.Unix(0, 0)
}

// CookieJar is a surface's auth cookies (a session cookie, a refresh
// cookie...): their names and the attributes they all share, so every
// one of them is set and cleared alike. The zero jar has no names and
// default attributes.
type CookieJar struct {
	// Names are the auth cookies: the ones ClearCarried clears and whose
	// presence makes a request cookie-authenticated for CSRF.
	Names   []string
	Options CookieOptions
}

// Set sets the cookie name for maxAge, at least a second: a lifetime
// that rounds to 0 would make a browser-session cookie, which outlives
// what it holds.
func (j CookieJar) Set(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	SetCookie(w, name, value, max(time.Second, maxAge), j.Options)
}

// Clear deletes the cookie name, with the attributes it was set with (or
// the browser keeps it).
func (j CookieJar) Clear(w http.ResponseWriter, name string) {
	ClearCookie(w, name, j.Options)
}

// Value returns the request's cookie name, "" when it has none.
func (j CookieJar) Value(r *http.Request, name string) string {
	return cookieValue(r, name)
}

// ClearCarried deletes each of the jar's cookies that the request
// carried (a logout), in the order of Names.
func (j CookieJar) ClearCarried(w http.ResponseWriter, r *http.Request) {
	for _, name := range j.Names {
		if _, err := r.Cookie(name); err == nil {
			j.Clear(w, name)
		}
	}
}

// CSRF is the CSRF middleware for the jar's cookies: o's CookieNames are
// the jar's Names, so a request carrying any of them is judged.
func (j CookieJar) CSRF(o CSRFOptions) Middleware {
	o.CookieNames = j.Names
	return CSRF(o)
}

// cookieValue returns a cookie's value, "" when it is missing.
func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}

// ParseSameSite reads a same-site setting as every surface spells it:
// lax (also the empty default), strict or none, in any letter case. It
// is false for anything else, which the surface's validation reports.
func ParseSameSite(v string) (http.SameSite, bool) {
	switch strings.ToLower(v) {
	case "lax", "":
		return http.SameSiteLaxMode, true
	case "strict":
		return http.SameSiteStrictMode, true
	case "none":
		return http.SameSiteNoneMode, true
	}
	return 0, false
}
