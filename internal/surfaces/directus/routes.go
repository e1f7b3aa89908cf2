package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// Roots returns the top-level paths of addRoutes' routes: what the
// surface claims of a server's root when it is mounted at "/".
func Roots() []string { return []string{"/auth", "/users", "/graphql"} }

// addRoutes lists every route the surface serves, relative to its mount.
// Auth marks what each needs: "guest" routes work without a token (a
// stale one still fails them, as in Directus), "user" routes need a
// token of the bound collection, and refresh/logout read the token their
// mode names (body, refresh cookie or session cookie).
func (s *server) addRoutes(m *http.ServeMux, system http.Handler) {
	mux := httpapi.RouteMux{Mux: m, OnRoute: s.onRoute}

	mux.Handle("GET /auth", s.handleProviders())                                         // guest
	mux.Handle("POST /auth/login", s.handleLogin())                                      // guest
	mux.Handle("POST /auth/refresh", s.handleRefresh())                                  // refresh token or session cookie
	mux.Handle("POST /auth/logout", s.handleLogout())                                    // refresh token or session cookie
	mux.Handle("POST /auth/password/request", s.handlePasswordRequest())                 // guest
	mux.Handle("POST /auth/password/reset", s.handlePasswordReset())                     // guest holding a mailed token
	mux.Handle("GET /auth/login/{provider}", s.handleSSOStart())                         // guest (browser)
	mux.Handle("GET /auth/login/{provider}/callback", s.handleSSOCallback())             // guest holding the state cookie
	mux.Handle("POST /auth/login/{provider}/callback", s.handleSSOCallbackPost())        // guest (form_post providers)
	mux.Handle("GET /users/me", s.handleMe())                                            // user
	mux.Handle("PATCH /users/me", s.handleUpdateMe())                                    // user
	mux.Handle("POST /users/register", s.handleRegister())                               // guest
	mux.Handle("GET /users/register/verify-email", s.handleVerifyEmail())                // guest holding a mailed token
	for _, p := range []string{"/users/me/tfa/generate", "/users/me/tfa/generate/{$}"} { // trailing slash optional
		mux.Handle("POST "+p, s.handleTFAGenerate()) // user
	}
	for _, p := range []string{"/users/me/tfa/enable", "/users/me/tfa/enable/{$}"} {
		mux.Handle("POST "+p, s.handleTFAEnable()) // user
	}
	for _, p := range []string{"/users/me/tfa/disable", "/users/me/tfa/disable/{$}"} {
		mux.Handle("POST "+p, s.handleTFADisable()) // user
	}

	// The system GraphQL endpoint: the auth mutations above, each
	// resolver calling its route's flow (graphql_resolvers.go). What a
	// mutation needs (guest, user, refresh token) is as for its route.
	// Directus's /graphql (the items schema) has nothing to serve here.
	mux.Handle("GET /graphql/system", system)
	mux.Handle("POST /graphql/system", system)

	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error { // anything else
		return errRouteNotFound(r.URL.Path)
	}))
}
