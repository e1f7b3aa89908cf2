package config

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// maxMountLen bounds a mount path; real ones are a word or two.
const maxMountLen = 200

// mountSegment is one segment of a mount path: unreserved URL characters
// only, so the mount is a literal ServeMux pattern (no {wildcards}) and
// needs no escaping in links.
var mountSegment = regexp.MustCompile(`^[A-Za-z0-9._~-]+$`)

// validateSurfaces checks the surfaces section. Whether a mount overlaps
// another surface's routes is checked where the surfaces are mounted
// (gatehouse serve), which knows every surface's paths.
func (c Config) validateSurfaces(p *problems) {
	c.Surfaces.Directus.validate(p, "surfaces.directus", c.App.URL)
	c.Surfaces.Payload.validate(p, "surfaces.payload", c.App.URL)
	c.Surfaces.Conduit.validate(p, "surfaces.conduit", c.App.URL)
}

// validate checks the surface at path: its mount here, the rest by its
// own Validate, on the options as the server would build them.
func (s Surface[O]) validate(p *problems, path, appURL string) {
	if err := CheckMount(s.Mount); err != nil {
		p.add(path+".mount", "%v", err)
	}
	o, derived := s.resolved(appURL)
	if b, ok := any(o).(collectionBinder); ok {
		if name := b.AuthCollection(); name != "" && name != core.UsersName && name != core.SuperusersName {
			p.add(path+".collection", "unknown auth collection %q (want %s or %s)", name, core.UsersName, core.SuperusersName)
		}
	}
	for _, pr := range o.Validate() {
		if derived && pr.Key == "public_url" {
			continue // built from app.url, whose own check names the cause
		}
		p.add(path+"."+pr.Key, "%v", pr.Err)
	}
}

// CheckMount reports what is wrong with a mount path: it must be "/" or
// start with "/" and have no trailing slash, empty, "." or ".." segment.
func CheckMount(m string) error {
	switch {
	case m == "/":
		return nil
	case !strings.HasPrefix(m, "/"):
		return fmt.Errorf("must start with /, got %q", m)
	case strings.HasSuffix(m, "/"):
		return fmt.Errorf("must not end with / (write %q), got %q", strings.TrimRight(m, "/"), m)
	case len(m) > maxMountLen:
		return fmt.Errorf("must be at most %d characters", maxMountLen)
	}
	for seg := range strings.SplitSeq(m[1:], "/") {
		if seg == "" || seg == "." || seg == ".." || !mountSegment.MatchString(seg) {
			return fmt.Errorf("must be a path like /directus made of letters, digits and - . _ ~ between single slashes, got %q", m)
		}
	}
	return nil
}
