package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// csrf refuses cookie-authenticated writes a browser sent on behalf of
// another site (cookie mode: the accessToken and refreshToken cookies).
// Conduit relies on SameSite=Lax alone; this is the check Gatehouse
// applies to every cookie it authenticates with (httpapi.CSRF): the
// request's own origin, PublicURL's, or one of http.cors_origins (the
// browser origins the deployment trusts to call it). Like Directus's, it
// judges only requests that carry a browser's evidence (Origin or
// Sec-Fetch-Site): a client outside a browser cannot be made to send a
// victim's cookies.
func (s *server) csrf(origins []string) httpapi.Middleware {
	allowed := append([]string{}, origins...)
	if o := httpapi.OriginOf(s.opt.PublicURL); o != "" {
		allowed = append(allowed, o)
	}
	jar := httpapi.CookieJar{Names: []string{cookieAccess, cookieRefresh}}
	return jar.CSRF(httpapi.CSRFOptions{
		AllowedOrigins:           allowed,
		PassWithoutFetchMetadata: true,
		OnReject: func(w http.ResponseWriter, r *http.Request) {
			httpapi.WriteAnswer(w, s.statuses.answer(errForbidden("Cross-site request refused")))
		},
	})
}
