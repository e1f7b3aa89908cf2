package server

import (
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gatehouse/gatehouse/internal/config"
	"github.com/gatehouse/gatehouse/internal/surfaces/conduit"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
)

// echo answers with its name and the path it was given, so a test sees
// which handler got a request and what the prefix stripping left.
func echo(name string) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, name+" "+r.URL.Path)
	})
}

// testMux is a root mux as App.Handler builds it, with echo handlers:
// PocketBase at "/", the server's own JWKS, and the given mounts.
func testMux(t *testing.T, ms ...mount) *http.ServeMux {
	t.Helper()
	mux := http.NewServeMux()
	mux.Handle("GET /.well-known/jwks.json", echo("jwks"))
	mux.Handle("/", echo("pocketbase"))
	if err := addMounts(mux, ms, slog.New(slog.DiscardHandler)); err != nil {
		t.Fatalf("addMounts: %v", err)
	}
	return mux
}

func get(mux http.Handler, path string) string {
	rec := httptest.NewRecorder()
	mux.ServeHTTP(rec, httptest.NewRequest("POST", path, nil))
	return rec.Body.String()
}

func TestAddMountsRoutes(t *testing.T) {
	t.Parallel()
	mux := testMux(t,
		mount{name: "Directus", option: "surfaces.directus.mount", prefix: "/directus", roots: directus.Roots(), handler: echo("directus")},
		mount{name: "Other", option: "surfaces.other.mount", prefix: "/", roots: []string{"/graphql", "/authentication"}, handler: echo("other")},
	)
	for path, want := range map[string]string{
		"/directus/auth/login":   "directus /auth/login",
		"/directus/users/me":     "directus /users/me",
		"/directus":              "directus /",
		"/directus/":             "directus /",
		"/directusx/auth/login":  "pocketbase /directusx/auth/login",
		"/auth/login":            "pocketbase /auth/login",
		"/api/collections/users": "pocketbase /api/collections/users",
		"/graphql":               "other /graphql",
		"/authentication/local":  "other /authentication/local",
		"/elsewhere":             "pocketbase /elsewhere",
	} {
		if got := get(mux, path); got != want {
			t.Errorf("POST %s went to %q, want %q", path, got, want)
		}
	}
}

func TestAddMountsAtRoot(t *testing.T) {
	t.Parallel()
	mux := testMux(t, mount{name: "Directus", option: "surfaces.directus.mount", prefix: "/", roots: directus.Roots(), handler: echo("directus")})
	for path, want := range map[string]string{
		"/auth":                  "directus /auth",
		"/auth/login":            "directus /auth/login",
		"/users/me/tfa/generate": "directus /users/me/tfa/generate",
		"/users":                 "directus /users",
		"/graphql/system":        "directus /graphql/system",
		"/authx":                 "pocketbase /authx",
		"/api/health":            "pocketbase /api/health",
		"/":                      "pocketbase /",
		"/directus/auth/login":   "pocketbase /directus/auth/login",
	} {
		if got := get(mux, path); got != want {
			t.Errorf("POST %s went to %q, want %q", path, got, want)
		}
	}
}

func TestCheckMountsRefusesOverlaps(t *testing.T) {
	t.Parallel()
	directusAt := func(prefix string) mount {
		return mount{name: "Directus", option: "surfaces.directus.mount", prefix: prefix, roots: directus.Roots(), handler: echo("d")}
	}
	other := func(prefix string, roots ...string) mount {
		return mount{name: "Other", option: "surfaces.other.mount", prefix: prefix, roots: roots, handler: echo("o")}
	}
	for _, tc := range []struct {
		name string
		ms   []mount
		want string
	}{
		{"pocketbase api", []mount{directusAt("/api")}, `surfaces.directus.mount: "/api" overlaps PocketBase's API under /api`},
		{"under the api", []mount{directusAt("/api/directus")}, `surfaces.directus.mount: "/api/directus" overlaps PocketBase's API`},
		{"admin links", []mount{directusAt("/_")}, `"/_" overlaps PocketBase's admin links`},
		{"jwks", []mount{directusAt("/.well-known")}, "overlaps the JWKS document"},
		{"metrics", []mount{directusAt("/metrics")}, "overlaps the metrics endpoint"},
		{"root surface claiming /api", []mount{other("/", "/api")}, `surfaces.other.mount: "/" overlaps PocketBase's API`},
		{"same mount", []mount{directusAt("/compat"), other("/compat")},
			`surfaces.other.mount: "/compat" overlaps the Directus surface at "/compat" (surfaces.directus.mount)`},
		{"nested mount", []mount{directusAt("/compat"), other("/compat/other")}, `surfaces.other.mount: "/compat/other" overlaps the Directus surface`},
		{"parent mount", []mount{directusAt("/compat/directus"), other("/compat")}, `surfaces.other.mount: "/compat" overlaps the Directus surface`},
		{"two at the root sharing /auth", []mount{directusAt("/"), other("/", "/auth")}, `surfaces.other.mount: "/" overlaps the Directus surface at "/"`},
		{"two at the root sharing /graphql", []mount{directusAt("/"), other("/", "/graphql")}, `surfaces.other.mount: "/" overlaps the Directus surface at "/"`},
		{"root paths under a mount", []mount{directusAt("/"), other("/users/x")}, `surfaces.other.mount: "/users/x" overlaps the Directus surface`},
		{"bad syntax", []mount{directusAt("/x/")}, "surfaces.directus.mount: must not end with /"},
		{"wildcard", []mount{directusAt("/{x}")}, "surfaces.directus.mount: must be a path like"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			err := addMounts(http.NewServeMux(), tc.ms, slog.New(slog.DiscardHandler))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("addMounts = %v, want an error containing %q", err, tc.want)
			}
		})
	}
	// Disjoint mounts are fine, including two surfaces at the root.
	ok := []mount{directusAt("/"), other("/", "/authentication"), mount{name: "Third", option: "x", prefix: "/apiary", handler: echo("t")}}
	if err := checkMounts(ok); err != nil {
		t.Errorf("checkMounts(disjoint) = %v", err)
	}
}

func TestMountedRoute(t *testing.T) {
	t.Parallel()
	// The end-to-end tests read the labels from /metrics; this checks the
	// rewriting on its own.
	for _, tc := range []struct{ prefix, pattern, want string }{
		{"/directus", "POST /auth/login", "POST /directus/auth/login"},
		{"/directus", "/users/me", "/directus/users/me"},
		{"/a/b", "GET /auth/login/{provider}", "GET /a/b/auth/login/{provider}"},
	} {
		var got []string
		label := labelRoute(tc.prefix, func(_ *http.Request, p string) { got = append(got, p) })
		label(nil, tc.pattern)
		label(nil, tc.pattern) // the second time from the memo
		if len(got) != 2 || got[0] != tc.want || got[1] != tc.want {
			t.Errorf("prefix %q pattern %q: labels %q, want %q twice", tc.prefix, tc.pattern, got, tc.want)
		}
	}
}

// Every section of surfaces in the file has one entry in the table, so a
// surface cannot be configured and never mounted, and the other way
// round.
func TestSurfaceTableMatchesTheFile(t *testing.T) {
	t.Parallel()
	var sections []string
	st := reflect.TypeFor[config.SurfacesConfig]()
	for i := range st.NumField() {
		name, _, _ := strings.Cut(st.Field(i).Tag.Get("yaml"), ",")
		sections = append(sections, "surfaces."+name)
	}
	var keys, names []string
	for _, s := range surfaceTable() {
		keys = append(keys, s.key)
		names = append(names, s.name)
		if s.place == nil || s.build == nil || len(s.roots) == 0 {
			t.Errorf("%s: incomplete entry %+v", s.key, s)
		}
	}
	if diff := cmp.Diff(sections, keys); diff != "" {
		t.Errorf("table keys differ from config.SurfacesConfig's sections (-file +table):\n%s", diff)
	}
	slices.Sort(names)
	if len(slices.Compact(names)) != len(keys) {
		t.Errorf("two entries share a name: %v", names)
	}
	// place reads the section the key names.
	cfg := config.Default()
	cfg.Surfaces.Directus.Enabled, cfg.Surfaces.Directus.Mount = false, "/compat"
	if on, mount := surfaceTable()[0].place(cfg); on || mount != "/compat" {
		t.Errorf("Directus place = %v %q, want false \"/compat\"", on, mount)
	}
}

func TestBanner(t *testing.T) {
	t.Parallel()
	const url = "http://127.0.0.1:8090"
	cfg := config.Default()
	want := "Gatehouse listening on http://127.0.0.1:8090\n" +
		"├─ REST API: http://127.0.0.1:8090/api/\n" +
		"├─ Directus: http://127.0.0.1:8090/directus\n" +
		"├─ Payload:  http://127.0.0.1:8090/payload\n" +
		"├─ Conduit:  http://127.0.0.1:8090/conduit\n" +
		"└─ JWKS:     http://127.0.0.1:8090/.well-known/jwks.json\n"
	if got := Banner(cfg, url); got != want {
		t.Errorf("banner =\n%s\nwant\n%s", got, want)
	}
	cfg.Surfaces.Directus.Mount = "/"
	if got := Banner(cfg, url); !strings.Contains(got, "├─ Directus: http://127.0.0.1:8090\n") {
		t.Errorf("banner at the root =\n%s", got)
	}
	cfg.Surfaces.Directus.Enabled = false
	if got := Banner(cfg, url); strings.Contains(got, "Directus") || !strings.Contains(got, "├─ REST API") {
		t.Errorf("banner with Directus off =\n%s", got)
	}
}

// No surface may be mounted over the readiness endpoint.
func TestReadyzPathIsTheServers(t *testing.T) {
	t.Parallel()
	for _, prefix := range []string{"/readyz", "/readyz/x"} {
		err := checkMounts([]mount{{name: "Directus", option: "surfaces.directus.mount", prefix: prefix}})
		if err == nil || !strings.Contains(err.Error(), "overlaps the readiness endpoint") {
			t.Errorf("a mount at %s: %v, want it refused as overlapping the readiness endpoint", prefix, err)
		}
	}
}

// TestPayloadAtTheRoot: Payload mounted at "/" claims its concrete slug
// paths beneath PocketBase's /api, which is fine for names PocketBase
// does not use and refused, naming the slugs option, for one it does.
func TestPayloadAtTheRoot(t *testing.T) {
	t.Parallel()
	at := func(slugs map[string]string) mount {
		o := payload.DefaultOptions()
		o.Slugs = slugs
		return mount{name: "Payload", option: "surfaces.payload.mount", prefix: "/", roots: o.Roots(),
			rootsOption: "surfaces.payload.slugs", handler: echo("payload")}
	}
	mux := testMux(t, at(map[string]string{"users": "users"}))
	for path, want := range map[string]string{
		"/api/users/login":       "payload /api/users/login",
		"/api/access":            "payload /api/access",
		"/api/collections/users": "pocketbase /api/collections/users",
	} {
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if got := rec.Body.String(); got != want {
			t.Errorf("GET %s answered by %q, want %q", path, got, want)
		}
	}
	err := checkMounts([]mount{at(map[string]string{"collections": "users"})})
	want := `surfaces.payload.slugs: "collections" would answer PocketBase's /api/collections when surfaces.payload.mount is "/"`
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("checkMounts(slug collections) = %v, want %q", err, want)
	}
}

// TestConduitAtTheRoot: Conduit mounted at "/" claims /authentication
// and /hook/authentication only, so it sits beside Directus and Payload
// at the root, and another /hook/... path stays PocketBase's; mounted
// over PocketBase's API it is refused.
func TestConduitAtTheRoot(t *testing.T) {
	t.Parallel()
	conduitAt := func(prefix string) mount {
		return mount{name: "Conduit", option: "surfaces.conduit.mount", prefix: prefix, roots: conduit.Roots(), handler: echo("conduit")}
	}
	po := payload.DefaultOptions()
	mux := testMux(t,
		mount{name: "Directus", option: "surfaces.directus.mount", prefix: "/", roots: directus.Roots(), handler: echo("directus")},
		mount{name: "Payload", option: "surfaces.payload.mount", prefix: "/", roots: po.Roots(), rootsOption: "surfaces.payload.slugs", handler: echo("payload")},
		conduitAt("/"),
	)
	for path, want := range map[string]string{
		"/authentication/local":                 "conduit /authentication/local",
		"/hook/authentication/verify-email/abc": "conduit /hook/authentication/verify-email/abc",
		"/hook/other":                           "pocketbase /hook/other",
		"/auth/login":                           "directus /auth/login",
		"/api/users/login":                      "payload /api/users/login",
	} {
		if got := get(mux, path); got != want {
			t.Errorf("POST %s went to %q, want %q", path, got, want)
		}
	}
	mux = testMux(t, conduitAt("/conduit"))
	if got, want := get(mux, "/conduit/authentication/local"), "conduit /authentication/local"; got != want {
		t.Errorf("POST /conduit/authentication/local went to %q, want %q", got, want)
	}
	err := checkMounts([]mount{conduitAt("/api/conduit")})
	if want := `surfaces.conduit.mount: "/api/conduit" overlaps PocketBase's API`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("checkMounts(/api/conduit) = %v, want %q", err, want)
	}
	err = checkMounts([]mount{{name: "Other", option: "surfaces.other.mount", prefix: "/", roots: []string{"/hook"}, handler: echo("o")}, conduitAt("/")})
	if want := `surfaces.conduit.mount: "/" overlaps the Other surface`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("checkMounts(/hook and conduit at /) = %v, want %q", err, want)
	}
}
