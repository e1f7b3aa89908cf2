package payload

import (
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// newJar returns the surface's one cookie, "<prefix>-token" holding the
// access token: HttpOnly, Path=/, SameSite=Lax, with an Expires (beside
// Max-Age) as Payload writes it, and the configured Secure and Domain.
func newJar(opt Options) httpapi.CookieJar {
	return httpapi.CookieJar{Names: []string{opt.CookieName()}, Options: httpapi.CookieOptions{
		Secure: opt.SecureCookies(), Domain: opt.CookieDomain, SameSite: http.SameSiteLaxMode, Expires: true,
	}}
}

// setToken sets the cookie to token for ttl, the token's lifetime as core
// measured it when it signed it (Payload sets the cookie for the token's
// lifetime from the answer's moment): counting down to exp (whole Unix
// seconds) instead made Max-Age one less whenever the answer was written
// in a later second than the token was signed. Without a ttl it counts
// down to exp.
func (s *server) setToken(w http.ResponseWriter, token string, exp int64, ttl time.Duration) {
	if ttl <= 0 {
		ttl = time.Until(time.Unix(exp, 0))
	}
	s.jar.Set(w, s.opt.CookieName(), token, ttl)
}

// csrf refuses cookie-authenticated writes a browser sent on behalf of
// another site (httpapi.CSRF on the cookie): the request's own origin
// and the origins of the `csrf` option pass. Payload ignores the cookie
// of such a request; Gatehouse refuses it with Payload's 403, so the
// write cannot silently run as a guest's either. A request with neither
// Origin nor Sec-Fetch-Site (an SDK outside a browser) passes while the
// `csrf` list is empty and is refused once it is set, as Payload judges
// it.
func (s *server) csrf(next http.Handler) http.Handler {
	return s.jar.CSRF(httpapi.CSRFOptions{
		AllowedOrigins:           s.opt.CSRF,
		PassWithoutFetchMetadata: len(s.opt.CSRF) == 0,
		OnReject: func(w http.ResponseWriter, r *http.Request) {
			writeError(w, errForbidden())
		},
	})(next)
}
