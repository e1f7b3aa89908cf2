package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// csrf refuses cookie-authenticated writes a browser sent on behalf of
// another site. Directus itself relies on SameSite=Lax alone; this adds
// the check Gatehouse applies to every cookie it authenticates with
// (httpapi.CSRF on the surface's cookie jar: same origin, or PublicURL's
// origin).
//
// It only judges requests that carry a browser's evidence (an Origin or
// Sec-Fetch-Site header): every current browser sends one of them on a
// cross-site POST, while SDKs outside a browser (node's fetch with a
// cookie jar, curl) send neither and cannot be made to send a victim's
// cookies anyway.
func (s *server) csrf(next http.Handler) http.Handler {
	return s.jar.CSRF(httpapi.CSRFOptions{
		AllowedOrigins:           []string{httpapi.OriginOf(s.public.String())},
		PassWithoutFetchMetadata: true,
		OnReject: func(w http.ResponseWriter, r *http.Request) {
			writeErrors(w, errForbidden())
		},
	})(next)
}
