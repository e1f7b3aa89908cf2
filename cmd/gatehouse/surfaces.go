package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"
	"strings"
	"sync"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/metrics"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
)

// A mount is one API surface served under a path prefix of the root mux,
// beside PocketBase (which owns /api and answers every unclaimed path with
// its 404).
type mount struct {
	name   string // for messages and logs: "Directus"
	option string // the option that placed it, named in errors
	prefix string // "/directus", or "/" for the root
	// roots are the top-level paths the surface serves; at "/" it claims
	// exactly these, so every other path stays PocketBase's.
	roots   []string
	handler http.Handler
}

// serverPaths are what the root handler serves itself or leaves to
// PocketBase: no mount may overlap them.
var serverPaths = []struct{ path, owner string }{
	{"/api", "PocketBase's API"},
	{"/_", "PocketBase's admin links"},
	{"/.well-known", "the JWKS document"},
	{"/metrics", "the metrics endpoint"},
}

// claims returns the paths the mount takes from the root mux.
func (m mount) claims() []string {
	if m.prefix == "/" {
		return m.roots
	}
	return []string{m.prefix}
}

// overlaps reports whether one path is the other or lies beneath it.
func overlaps(a, b string) bool {
	return a == b || strings.HasPrefix(a, b+"/") || strings.HasPrefix(b, a+"/")
}

// checkMounts reports every mount whose paths overlap the server's own or
// an earlier mount's, naming the option that placed it: two surfaces
// answering the same path would make one of them unreachable (or make
// ServeMux panic on the conflicting patterns).
func checkMounts(ms []mount) error {
	var errs []error
	for i, m := range ms {
		if err := config.CheckMount(m.prefix); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", m.option, err))
			continue
		}
		if err := m.overlapWith(ms[:i]); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// overlapWith returns the first overlap of m with the server's paths or
// with the mounts before it, or nil.
func (m mount) overlapWith(before []mount) error {
	for _, c := range m.claims() {
		for _, s := range serverPaths {
			if overlaps(c, s.path) {
				return fmt.Errorf("%s: %q overlaps %s under %s; choose another mount", m.option, m.prefix, s.owner, s.path)
			}
		}
		for _, o := range before {
			if slices.ContainsFunc(o.claims(), func(oc string) bool { return overlaps(c, oc) }) {
				return fmt.Errorf("%s: %q overlaps the %s surface at %q (%s); give one of them another mount",
					m.option, m.prefix, o.name, o.prefix, o.option)
			}
		}
	}
	return nil
}

// addMounts checks the mounts, then registers each on mux: under its
// prefix with the prefix stripped, or at the root by its own paths.
func addMounts(mux *http.ServeMux, ms []mount, log *slog.Logger) (err error) {
	if err := checkMounts(ms); err != nil {
		return err
	}
	defer func() {
		// checkMounts rules out conflicting patterns; should one slip
		// through, startup fails with the reason instead of a panic.
		if r := recover(); r != nil {
			err = fmt.Errorf("mounting the API surfaces: %v", r)
		}
	}()
	for _, m := range ms {
		h := m.handler
		if m.prefix != "/" {
			h = stripMount(m.prefix, h)
		}
		for _, c := range m.claims() {
			mux.Handle(c, h)
			mux.Handle(c+"/", h)
		}
		log.Info("surface mounted", "surface", m.name, "mount", m.prefix)
	}
	return nil
}

// stripMount serves h with prefix removed from the path, as
// http.StripPrefix does; the bare prefix becomes "/", so the surface
// answers it like any path of its own instead of seeing an empty one.
func stripMount(prefix string, h http.Handler) http.Handler {
	return http.StripPrefix(prefix, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "" {
			r.URL.Path, r.URL.RawPath = "/", "" // r is StripPrefix's copy
		}
		h.ServeHTTP(w, r)
	}))
}

// mountedRoute labels a surface's routes for metrics with the mount
// prefix in front ("POST /directus/auth/login"), since the surface names
// them relative to its mount.
func mountedRoute(prefix string) func(r *http.Request, pattern string) {
	return labelRoute(prefix, metrics.SetRoute)
}

// labelRoute passes set each pattern with prefix put in front of its path.
// Each pattern's label is built once: the hook runs on every request.
func labelRoute(prefix string, set func(r *http.Request, pattern string)) func(r *http.Request, pattern string) {
	if prefix == "/" {
		return set
	}
	var labels sync.Map // pattern -> label
	return func(r *http.Request, pattern string) {
		if l, ok := labels.Load(pattern); ok {
			set(r, l.(string))
			return
		}
		l := prefix + pattern
		if method, path, ok := strings.Cut(pattern, " "); ok {
			l = method + " " + prefix + path
		}
		labels.Store(pattern, l)
		set(r, l)
	}
}

// surfaceMounts builds the enabled compatible surfaces from the
// configuration.
func surfaceMounts(a *app, log *slog.Logger) ([]mount, error) {
	var ms []mount
	if d := a.cfg.Surfaces.Directus; d.Enabled {
		// Directus caps bodies at 1 MB (its MAX_PAYLOAD_SIZE); a lower
		// http.body_limit still wins.
		h, err := directus.NewHandler(directus.Deps{
			Service: a.service, Logger: log, BodyLimit: min(int64(a.cfg.HTTP.BodyLimit), directus.DefaultBodyLimit),
			OnRoute: mountedRoute(d.Mount), CORSOrigins: a.cfg.HTTP.CORSOrigins, Options: directusOptions(a.cfg),
		})
		if err != nil {
			return nil, fmt.Errorf("surfaces.directus: %w", err)
		}
		ms = append(ms, mount{name: "Directus", option: "surfaces.directus.mount", prefix: d.Mount, roots: directus.Roots(), handler: h})
	}
	return ms, nil
}

// directusOptions maps surfaces.directus to the surface's options.
func directusOptions(cfg config.Config) directus.Options {
	d := cfg.Surfaces.Directus
	sameSite := http.SameSiteLaxMode
	switch strings.ToLower(d.CookieSameSite) {
	case "strict":
		sameSite = http.SameSiteStrictMode
	case "none":
		sameSite = http.SameSiteNoneMode
	}
	return directus.Options{
		Collection:                d.Collection,
		PublicURL:                 cfg.DirectusPublicURL(),
		AccessTTL:                 d.AccessTTL.Std(),
		RefreshTTL:                d.RefreshTTL.Std(),
		SessionTTL:                d.SessionTTL.Std(),
		SessionGrace:              d.SessionGrace.Std(),
		LoginStall:                d.LoginStall.Std(),
		RegisterStall:             d.RegisterStall.Std(),
		RefreshCookieName:         d.RefreshCookieName,
		SessionCookieName:         d.SessionCookieName,
		CookieSecure:              cfg.DirectusCookieSecure(),
		CookieSameSite:            sameSite,
		CookieDomain:              d.CookieDomain,
		PasswordResetURLAllowList: slices.Clone(d.PasswordResetURLAllowList),
		RegisterURLAllowList:      slices.Clone(d.RegisterURLAllowList),
		RedirectAllowList:         slices.Clone(d.RedirectAllowList),
		PublicRegistration:        d.PublicRegistration,
	}
}
