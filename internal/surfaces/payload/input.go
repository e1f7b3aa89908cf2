package payload

import (
	"maps"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
)

// userInput reads a user document body (create, update, first-register)
// into core's input: email, password, name (where the collection has
// one) and every other key as a custom field of the profile document,
// merged over cur's profile (nil on create). Payload's system fields
// (id, timestamps, sessions, hidden auth fields...) are ignored, as
// Payload ignores fields a client may not write. A field of the wrong
// type is a ValidationError on its path. oldPassword, a Gatehouse
// addition, proves the current password when a user changes its own.
func (s *server) userInput(sl slug, b body, cur *core.User) (core.UserInput, error) {
	var in core.UserInput
	for _, f := range []struct {
		key string
		dst **string
	}{{"email", &in.Email}, {"password", &in.Password}, {"oldPassword", &in.OldPassword}} {
		v, present, err := b.f.String(f.key)
		if err != nil {
			return in, err
		}
		if present {
			*f.dst = &v
		}
	}
	if sl.c.HasField("name") {
		if v, present, err := b.f.String("name"); err != nil {
			return in, err
		} else if present {
			in.Name = &v
		}
	}
	var profile map[string]any
	if cur != nil {
		profile = maps.Clone(cur.Profile)
	}
	changed := false
	for _, k := range b.f.Keys() {
		if k == "oldPassword" || (slices.Contains(systemFields, k) && (k != "name" || sl.c.HasField("name"))) {
			continue // a name the collection has is the user's name, above
		}
		if profile == nil {
			profile = map[string]any{}
		}
		profile[k], changed = b.f[k], true
	}
	if changed {
		in.Profile = profile
	}
	return in, nil
}
