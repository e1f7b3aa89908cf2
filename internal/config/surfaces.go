package config

import (
	"strings"

	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/surfaces/conduit"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfaces/payload"
)

// SurfacesConfig mounts the compatible APIs Gatehouse speaks besides
// PocketBase's, which always lives under /api. Each field is a Surface
// of that surface's own Options type: the surface declares its settings
// (YAML keys, defaults, rules) and this file only places it. Adding a
// surface is one field here, one entry in cmd/gatehouse's surface table,
// and the surface's Options type.
type SurfacesConfig struct {
	// Directus is the Directus auth API (`@directus/sdk` 26).
	Directus Surface[directus.Options] `yaml:"directus"`
	// Payload is Payload CMS v3's REST auth API (`@payloadcms/sdk` 3.90).
	Payload Surface[payload.Options] `yaml:"payload"`
	// Conduit is Conduit v0.16's authentication module (local auth,
	// tokens, magic links, 2FA, OAuth2).
	Conduit Surface[conduit.Options] `yaml:"conduit"`
}

// SurfaceOptions is what a surface's Options type provides to be a
// section of the file: its rules, reported by YAML key. It may also
// implement AuthCollection() string, to have the configuration check
// that it names a built-in collection (reported under its "collection"
// key), and DefaultPublicURL(base string) bool on its pointer, to have
// an empty public URL filled from app.url and the mount.
type SurfaceOptions interface {
	Validate() setting.Problems
}

// Surface is one compatible API in the file: whether and where it is
// mounted, and its own options, written inline next to those two
// (surfaces.directus.mount, surfaces.directus.access_ttl).
type Surface[O SurfaceOptions] struct {
	// Enabled serves the surface at all.
	Enabled bool `yaml:"enabled"`
	// Mount is the path prefix the surface answers under ("/directus"),
	// or "/" to serve its routes at the root next to PocketBase's.
	Mount   string `yaml:"mount"`
	Options O      `yaml:",inline"`
}

// collectionBinder is a surface's options that bind one auth collection.
type collectionBinder interface{ AuthCollection() string }

// publicURLDefaulter is a surface's options that carry a public base
// URL, which the file may leave empty.
type publicURLDefaulter interface {
	// DefaultPublicURL sets the public URL to base when it is empty,
	// reporting whether it did.
	DefaultPublicURL(base string) bool
}

func defaultSurfaces() SurfacesConfig {
	return SurfacesConfig{
		Directus: Surface[directus.Options]{Enabled: true, Mount: "/directus", Options: directus.DefaultOptions()},
		Payload:  Surface[payload.Options]{Enabled: true, Mount: "/payload", Options: payload.DefaultOptions()},
		Conduit:  Surface[conduit.Options]{Enabled: true, Mount: "/conduit", Options: conduit.DefaultOptions()},
	}
}

// Resolved returns the surface's options as the server builds it with:
// an empty public URL (for options that have one) becomes appURL
// followed by the mount.
func (s Surface[O]) Resolved(appURL string) O {
	o, _ := s.resolved(appURL)
	return o
}

// resolved is Resolved, also reporting whether the public URL was
// filled in.
func (s Surface[O]) resolved(appURL string) (O, bool) {
	o := s.Options
	if d, ok := any(&o).(publicURLDefaulter); ok {
		return o, d.DefaultPublicURL(MountURL(appURL, s.Mount))
	}
	return o, false
}

// MountURL returns the public URL of a surface mounted at mount: appURL
// without its trailing slash, followed by the mount unless that is "/".
func MountURL(appURL, mount string) string {
	base := strings.TrimRight(appURL, "/")
	if mount == "/" {
		return base
	}
	return base + mount
}
