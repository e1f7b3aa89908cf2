// Package surfacetest serves a surface for its tests the way cmd
// composes it: the surface built by its NewHandler from surfaces.Deps
// over a real core (coretest), wrapped in httpapi.ClientIP, on a loopback
// listener, with a small HTTP client to call it, and the two stand-ins a
// surface's tests need from outside: an authenticator app (TOTP) and an
// OAuth2 provider (Provider). Every surface's tests start their servers
// here instead of building their own; what an answer must look like (a
// dialect's error envelope, its headers) stays in each surface's tests.
// It is imported only from _test.go files, like coretest.
package surfacetest

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/surfaces"
)

// Builder builds a surface from its deps, closing over the surface's own
// Options: for example
//
//	func(d surfaces.Deps) (http.Handler, error) { return directus.NewHandler(d, opt) }
type Builder func(surfaces.Deps) (http.Handler, error)

// Deps are the surfaces.Deps fields a test sets. Service is never among
// them: it is always the core the server is started over.
type Deps struct {
	// Logger receives the surface's logs; nil discards them.
	Logger *slog.Logger
	// BodyLimit is the server's cap on request bodies; 0 means the
	// surface's default.
	BodyLimit int64
	// OnRoute, when set, hears the route pattern each request matched.
	OnRoute func(r *http.Request, pattern string)
	// Done, when closed, ends the surface's long-lived answers.
	Done <-chan struct{}
}

// Options say how Start builds the core and the surface's deps.
type Options struct {
	// Core tunes the fresh core (settings, collections, hasher).
	Core coretest.Options
	Deps
}

// Server is one surface served on a loopback listener over a core. The
// embedded Env is that core (its Service, store and clock).
type Server struct {
	*coretest.Env
	// Handler is what the listener serves: the surface behind
	// httpapi.ClientIP, for calls in process (a fuzz target, a request
	// from a made-up client address).
	Handler http.Handler
	// URL is the listener's base URL, without a trailing slash.
	URL string

	srv   *httptest.Server
	deps  Deps
	build Builder
}

// Start builds a fresh core as o.Core says and serves the surface build
// makes from it. Everything is closed when the test ends.
func Start(t testing.TB, o Options, build Builder) *Server {
	t.Helper()
	return Serve(t, coretest.NewWithOptions(t, o.Core), o.Deps, build)
}

// Serve serves the surface build makes over env's Service, for a test
// whose core is not coretest's own (a store that fails on purpose);
// Start is the usual way in. Only env.Service is read; env is kept as
// the Server's Env for the test's convenience.
func Serve(t testing.TB, env *coretest.Env, d Deps, build Builder) *Server {
	t.Helper()
	h, err := build(surfaces.Deps{Service: env.Service, Logger: d.Logger, BodyLimit: d.BodyLimit, OnRoute: d.OnRoute, Done: d.Done})
	if err != nil {
		t.Fatalf("building the surface: %v", err)
	}
	// As cmd composes it: the surface reads the client address ClientIP
	// stores, never the socket itself.
	root := httpapi.Chain(h, httpapi.ClientIP(nil))
	srv := httptest.NewServer(root)
	t.Cleanup(srv.Close)
	return &Server{Env: env, Handler: root, URL: srv.URL, srv: srv, deps: d, build: build}
}

// Node starts another node of s's deployment: a second surface built
// the same way (same deps, same builder, so whatever the builder closes
// over, such as a realtime relay, is shared) over the same core, with a
// listener of its own.
func (s *Server) Node(t testing.TB) *Server {
	t.Helper()
	return Serve(t, s.Env, s.deps, s.build)
}
