package server

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
	"github.com/gatehouse/gatehouse/internal/surfaces"
	"github.com/gatehouse/gatehouse/internal/surfaces/conduit"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
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
	roots []string
	// rootsOption names the option that chose roots, when options do
	// (Payload's slugs), for the error that refuses one.
	rootsOption string
	handler     http.Handler
}

// serverPaths are what the root handler serves itself or leaves to
// PocketBase: no mount may overlap them.
var serverPaths = []struct{ path, owner string }{
	{"/api", "PocketBase's API"},
	{"/_", "PocketBase's admin links"},
	{"/.well-known", "the JWKS document"},
	{"/metrics", "the metrics endpoint"},
	{"/readyz", "the readiness endpoint"},
}

// pocketBaseAPIGroups are PocketBase's top-level groups under /api. A
// surface at the root may claim other paths beneath /api (Payload's
// /api/<slug>), never one of these.
var pocketBaseAPIGroups = []string{
	"collections", "settings", "logs", "backups", "crons", "files", "batch", "realtime", "health", "sql", "oauth2-redirect",
}

// beneathAPI reports whether the root claim c is a path beneath /api that
// PocketBase does not serve, and so may be a surface's; group is the
// PocketBase group c would take otherwise.
func beneathAPI(c string) (free bool, group string) {
	rest, ok := strings.CutPrefix(c, "/api/")
	if !ok || rest == "" {
		return false, ""
	}
	group, _, _ = strings.Cut(rest, "/")
	return !slices.Contains(pocketBaseAPIGroups, group), group
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
			if m.prefix == "/" && s.path == "/api" {
				if free, group := beneathAPI(c); free {
					continue
				} else if group != "" && m.rootsOption != "" {
					return fmt.Errorf("%s: %q would answer PocketBase's /api/%s when %s is \"/\"; choose another name, or another mount",
						m.rootsOption, group, group, m.option)
				}
			}
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

// A surface is one compatible API the server can mount beside
// PocketBase's: one entry of surfaceTable. PocketBase is not an entry: it
// is the root handler, answering every path no surface claims.
type surface struct {
	name string // "Directus": the banner's label, and its name in logs and errors
	key  string // its section of the file, "surfaces.directus"
	// place returns whether the configuration enables it, and its mount.
	place func(cfg config.Config) (enabled bool, mount string)
	roots []string // the top-level paths it serves, which it claims at "/"
	// rootsOf, when set, replaces roots by the paths the configuration's
	// options make it serve (Payload's slugs), named by rootsOption.
	rootsOf     func(cfg config.Config) []string
	rootsOption string
	build       func(a *App, d surfaces.Deps) (http.Handler, error)
}

// surfaceTable lists the compatible surfaces in mounting order. Adding
// one is an entry here, the surface's Options type (its settings), and its
// field in config.SurfacesConfig (where the file places it).
func surfaceTable() []surface {
	return []surface{{
		name: "Directus", key: "surfaces.directus", roots: directus.Roots(),
		place: placed(func(c config.Config) config.Surface[directus.Options] { return c.Surfaces.Directus }),
		build: func(a *App, d surfaces.Deps) (http.Handler, error) {
			return directus.NewHandler(d, a.Cfg.Surfaces.Directus.Resolved(a.Cfg.App.URL))
		},
	}, {
		name: "Payload", key: "surfaces.payload", roots: payload.DefaultOptions().Roots(),
		rootsOf:     func(c config.Config) []string { return c.Surfaces.Payload.Options.Roots() },
		rootsOption: "surfaces.payload.slugs",
		place:       placed(func(c config.Config) config.Surface[payload.Options] { return c.Surfaces.Payload }),
		build: func(a *App, d surfaces.Deps) (http.Handler, error) {
			return payload.NewHandler(d, a.Cfg.Surfaces.Payload.Resolved(a.Cfg.App.URL))
		},
	}, {
		name: "Conduit", key: "surfaces.conduit", roots: conduit.Roots(),
		place: placed(func(c config.Config) config.Surface[conduit.Options] { return c.Surfaces.Conduit }),
		build: func(a *App, d surfaces.Deps) (http.Handler, error) {
			return conduit.NewHandler(d, a.Cfg.Surfaces.Conduit.Resolved(a.Cfg.App.URL))
		},
	}}
}

// placed reads whether and where a surface is mounted from its section.
func placed[O config.SurfaceOptions](section func(config.Config) config.Surface[O]) func(config.Config) (bool, string) {
	return func(c config.Config) (bool, string) {
		s := section(c)
		return s.Enabled, s.Mount
	}
}

// surfaceDeps are what every surface is built with: the server's core,
// log, body limit and CORS origins, its route labels, and done (closed
// when the server shuts down).
func (a *App) surfaceDeps(log *slog.Logger, onRoute func(r *http.Request, pattern string), done <-chan struct{}) surfaces.Deps {
	return surfaces.Deps{
		Service: a.Service, Logger: log, BodyLimit: int64(a.Cfg.HTTP.BodyLimit), CORSOrigins: a.Cfg.HTTP.CORSOrigins,
		OnRoute: onRoute, Done: done,
	}
}

// surfaceMounts builds the surfaces of the table that the configuration
// enables.
func surfaceMounts(a *App, log *slog.Logger, done <-chan struct{}) ([]mount, error) {
	var ms []mount
	for _, s := range surfaceTable() {
		on, prefix := s.place(a.Cfg)
		if !on {
			continue
		}
		h, err := s.build(a, a.surfaceDeps(log, mountedRoute(prefix), done))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", s.key, err)
		}
		roots := s.roots
		if s.rootsOf != nil {
			roots = s.rootsOf(a.Cfg)
		}
		ms = append(ms, mount{name: s.name, option: s.key + ".mount", prefix: prefix, roots: roots, rootsOption: s.rootsOption, handler: h})
	}
	return ms, nil
}

// Banner is what serve prints once it listens at url: PocketBase's REST
// API, each surface of the table that the configuration enables, at its
// mount, and the JWKS document. The end-to-end tests find the port in its
// first line.
func Banner(cfg config.Config, url string) string {
	lines := [][2]string{{"REST API", url + "/api/"}}
	for _, s := range surfaceTable() {
		if on, mount := s.place(cfg); on {
			lines = append(lines, [2]string{s.name, url + strings.TrimSuffix(mount, "/")})
		}
	}
	lines = append(lines, [2]string{"JWKS", url + "/.well-known/jwks.json"})
	var b strings.Builder
	fmt.Fprintf(&b, "Gatehouse listening on %s\n", url)
	for i, l := range lines {
		branch := "├─"
		if i == len(lines)-1 {
			branch = "└─"
		}
		fmt.Fprintf(&b, "%s %-10s%s\n", branch, l[0]+":", l[1])
	}
	return b.String()
}
