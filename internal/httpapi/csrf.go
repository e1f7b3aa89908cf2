package httpapi

import (
	"crypto/subtle"
	"net/http"
	"net/url"
	"strings"
)

// CSRFOptions configures CSRF.
type CSRFOptions struct {
	// CookieNames are the auth cookies that make a request
	// cookie-authenticated. A request carrying none of them is not
	// checked: a bearer token is not sent by the browser on its own, so
	// it cannot be forged cross-site.
	CookieNames []string
	// AllowedOrigins are origins besides the request's own that may send
	// cookie-authenticated writes, exactly as a browser spells them
	// (scheme://host[:port]), e.g. the app URL's origin. "*" and "null"
	// are ignored: a wildcard would switch the check off.
	AllowedOrigins []string
	// TokenCookie and TokenHeader, both set, enable the double-submit
	// token: a request passes when the header repeats the cookie's value.
	// A page on another site can neither read the cookie nor set the
	// header. The token is any unguessable value (core.NewSecret).
	TokenCookie, TokenHeader string
	// PassWithoutFetchMetadata lets a request with neither Origin nor
	// Sec-Fetch-Site through: every browser in use sends one of them on a
	// cross-site write, so such a request comes from a client outside a
	// browser (an SDK under node with a cookie jar, curl), which cannot be
	// made to send a victim's cookies. Off, such a request is refused.
	PassWithoutFetchMetadata bool
	// OnReject writes the surface's 403. Nil sends a bare 403.
	OnReject func(w http.ResponseWriter, r *http.Request)
}

// CSRF refuses cookie-authenticated, state-changing requests that a
// browser may have sent on behalf of another site.
//
// GET, HEAD, OPTIONS and TRACE pass, as do requests without any of the
// auth cookies. Any other request passes when one of these holds:
//   - Sec-Fetch-Site is same-origin or none (typed by the user);
//   - Origin is the request's own origin (r.TLS picks the scheme, r.Host
//     the host) or one of AllowedOrigins;
//   - the double-submit token header equals the token cookie (non-empty,
//     compared in constant time).
//
// Everything else is refused, including, unless PassWithoutFetchMetadata,
// a request with neither Sec-Fetch-Site nor Origin: every browser in use
// sends one of them on a cross-site POST, and clients that send neither
// should then use bearer tokens.
func CSRF(o CSRFOptions) Middleware {
	allowed := make(map[string]bool, len(o.AllowedOrigins))
	for _, origin := range o.AllowedOrigins {
		if n := normalizeOrigin(origin); n != "" {
			allowed[n] = true
		}
	}
	names := append([]string(nil), o.CookieNames...)
	reject := o.OnReject
	if reject == nil {
		reject = func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(http.StatusForbidden) }
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if safeMethod(r.Method) || !hasAnyCookie(r, names) ||
				(o.PassWithoutFetchMetadata && r.Header.Get("Origin") == "" && r.Header.Get("Sec-Fetch-Site") == "") ||
				sameOriginFetch(r) || originAllowed(r, allowed) ||
				validCSRFToken(r, o.TokenCookie, o.TokenHeader) {
				next.ServeHTTP(w, r)
				return
			}
			reject(w, r)
		})
	}
}

// safeMethod reports the methods that must not change state. Methods are
// case-sensitive, so "post" or "get" are not safe.
func safeMethod(m string) bool {
	switch m {
	case http.MethodGet, http.MethodHead, http.MethodOptions, http.MethodTrace:
		return true
	}
	return false
}

func hasAnyCookie(r *http.Request, names []string) bool {
	for _, name := range names {
		if _, err := r.Cookie(name); err == nil {
			return true
		}
	}
	return false
}

// sameOriginFetch reads Sec-Fetch-Site, which only browsers send and page
// scripts cannot set.
func sameOriginFetch(r *http.Request) bool {
	switch strings.ToLower(strings.TrimSpace(r.Header.Get("Sec-Fetch-Site"))) {
	case "same-origin", "none":
		return true
	}
	return false
}

// originAllowed reports whether the Origin header is the request's own
// origin or an allowed one. "null" (sandboxed frames, some redirects)
// never matches.
func originAllowed(r *http.Request, allowed map[string]bool) bool {
	origins := r.Header.Values("Origin")
	if len(origins) != 1 {
		return false
	}
	origin := normalizeOrigin(origins[0])
	if origin == "" {
		return false
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return origin == normalizeOrigin(scheme+"://"+r.Host) || allowed[origin]
}

// normalizeOrigin lowercases an origin, drops a trailing slash and the
// scheme's default port, so equal origins compare equal. It returns ""
// for anything that is not scheme://host[:port].
func normalizeOrigin(s string) string {
	s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "/"))
	scheme, host, ok := strings.Cut(s, "://")
	if !ok || scheme == "" || host == "" || strings.ContainsAny(host, "/?#@ ") {
		return ""
	}
	switch {
	case scheme == "http" && strings.HasSuffix(host, ":80"):
		host = strings.TrimSuffix(host, ":80")
	case scheme == "https" && strings.HasSuffix(host, ":443"):
		host = strings.TrimSuffix(host, ":443")
	}
	return scheme + "://" + host
}

// validCSRFToken checks the double-submit token. The cookie must be
// present exactly once: two cookies of that name mean one was planted
// (by a sibling subdomain, say), and it is unclear which to believe.
func validCSRFToken(r *http.Request, cookieName, headerName string) bool {
	if cookieName == "" || headerName == "" {
		return false
	}
	cookies := r.CookiesNamed(cookieName)
	header := r.Header.Get(headerName)
	if len(cookies) != 1 || cookies[0].Value == "" || header == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(cookies[0].Value), []byte(header)) == 1
}

// OriginOf returns the origin of an absolute URL (scheme://host[:port]),
// as CSRFOptions.AllowedOrigins want a deployment's public URL; "" when
// raw has no scheme and host.
func OriginOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return ""
	}
	return u.Scheme + "://" + u.Host
}
