package directus

import (
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// setCookie sets one of the surface's auth cookies: HttpOnly, Path=/,
// Max-Age, and the configured Secure, SameSite and Domain (Directus's
// flags for both of its cookies).
func (s *server) setCookie(w http.ResponseWriter, name, value string, maxAge time.Duration) {
	setWith(w, name, value, maxAge, s.cookie)
}

// setWith sets an HttpOnly cookie with the given attributes; a lifetime
// under a second still gets one (0 would make it a browser-session
// cookie).
func setWith(w http.ResponseWriter, name, value string, maxAge time.Duration, o httpapi.CookieOptions) {
	httpapi.SetCookie(w, name, value, max(time.Second, maxAge), o)
}

// clearWith deletes a cookie set with the given attributes.
func clearWith(w http.ResponseWriter, name string, o httpapi.CookieOptions) {
	httpapi.ClearCookie(w, name, o)
}

// clearCookie deletes one of the surface's cookies, with the attributes
// it was set with (or the browser keeps it).
func (s *server) clearCookie(w http.ResponseWriter, name string) {
	clearWith(w, name, s.cookie)
}

// clearCarried deletes whichever of the two auth cookies the request
// carried, as Directus's logout does.
func (s *server) clearCarried(w http.ResponseWriter, r *http.Request) {
	for _, name := range []string{s.opt.RefreshCookieName, s.opt.SessionCookieName} {
		if _, err := r.Cookie(name); err == nil {
			s.clearCookie(w, name)
		}
	}
}

// cookieValue returns a cookie's value, "" when it is missing.
func cookieValue(r *http.Request, name string) string {
	c, err := r.Cookie(name)
	if err != nil {
		return ""
	}
	return c.Value
}
