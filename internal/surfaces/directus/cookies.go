package directus

import "github.com/gatehouse/gatehouse/internal/httpapi"

// ssoCookiePrefix names Directus's SSO state cookies: "oauth2.<provider>".
const ssoCookiePrefix = "oauth2."

// newCookies returns the surface's cookies: the two auth cookies
// (refresh and session) and the SSO state cookies, all HttpOnly, Path=/,
// with the configured Secure, SameSite and Domain (Directus's flags for
// both of its cookies; the state cookies are always SameSite=Lax).
func newCookies(opt Options) (httpapi.CookieJar, httpapi.StateCookie) {
	o := httpapi.CookieOptions{Secure: opt.SecureCookies(), Domain: opt.CookieDomain, SameSite: opt.sameSite()}
	// The order is the one Directus's logout clears them in.
	return httpapi.CookieJar{Names: []string{opt.RefreshCookieName, opt.SessionCookieName}, Options: o},
		httpapi.StateCookie{Prefix: ssoCookiePrefix, Options: o}
}
