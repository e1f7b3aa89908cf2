package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// addRoutes lists every route the surface serves, relative to its mount,
// for each slug by its concrete name (never a {slug} wildcard, which
// would overlap PocketBase's /api routes when mounted at the root).
// Every request is authenticated first from `Authorization: JWT|Bearer`
// or the cookie; a refused token makes it a guest's. "user" routes need
// a user; "guest" routes work without one.
func (s *server) addRoutes(m *http.ServeMux, graphql http.Handler) {
	mux := httpapi.RouteMux{Mux: m, OnRoute: s.onRoute}
	api := s.opt.APIPrefix
	for _, sl := range s.slugs {
		base := api + "/" + sl.name
		mux.Handle("POST "+base+"/login", s.handleLogin(sl))                  // guest
		mux.Handle("POST "+base+"/logout", s.handleLogout(sl))                // user (400 "No User" without)
		mux.Handle("POST "+base+"/refresh-token", s.handleRefresh(sl))        // user of the slug (403 without)
		mux.Handle("GET "+base+"/me", s.handleMe(sl))                         // anyone (user null for a guest)
		mux.Handle("POST "+base+"/forgot-password", s.handleForgot(sl))       // guest
		mux.Handle("POST "+base+"/reset-password", s.handleReset(sl))         // guest holding a mailed token
		mux.Handle("POST "+base+"/verify/{token}", s.handleVerify(sl))        // guest holding a mailed token
		mux.Handle("POST "+base+"/unlock", s.handleUnlock(sl))                // user, by the unlock rule
		mux.Handle("POST "+base+"/first-register", s.handleFirstRegister(sl)) // guest, while the collection is empty
		mux.Handle("GET "+base+"/init", s.handleInit(sl))                     // anyone
		mux.Handle("POST "+base, s.handleCreate(sl))                          // guest (public sign-up) or superuser
		mux.Handle("GET "+base+"/{id}", s.handleRead(sl))                     // the user itself or a superuser
		mux.Handle("PATCH "+base+"/{id}", s.handleUpdate(sl))                 // the user itself or a superuser
		mux.Handle("DELETE "+base+"/{id}", s.handleDelete(sl))                // the user itself or a superuser
	}
	mux.Handle("GET "+api+"/access", s.handleAccess()) // anyone
	mux.Handle("GET "+api+"/graphql", graphql)         // anyone; queries only (a mutation over GET is refused)
	mux.Handle("POST "+api+"/graphql", graphql)        // every slug's operations, each as its REST route

	mux.Handle("/", s.handle(func(w http.ResponseWriter, r *http.Request) error { // anything else
		return errNotFound()
	}))
}
