package directus

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"maps"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// userFields are the directus_users fields, in Directus's column order:
// the keys of GET /users/me and what `fields` may name.
var userFields = []string{
	"id", "first_name", "last_name", "email", "password", "location", "title", "description", "tags",
	"avatar", "language", "tfa_secret", "status", "role", "token", "last_access", "last_page", "provider",
	"external_identifier", "auth_data", "email_notifications", "appearance", "theme_dark", "theme_light",
	"theme_light_overrides", "theme_dark_overrides", "text_direction", "policies",
}

// masked is how Directus shows a secret it holds: the password, an
// enabled TOTP secret.
const masked = "**********"

// timeLayout is how Directus writes timestamps.
const timeLayout = "2006-01-02T15:04:05.000Z"

// splitName maps Gatehouse's one name field onto Directus's two: the
// first word is first_name, the rest last_name; an empty part is null.
func splitName(name string) (first, last *string) {
	name = strings.TrimSpace(name)
	if name == "" {
		return nil, nil
	}
	f, l, _ := strings.Cut(name, " ")
	l = strings.TrimSpace(l)
	first = &f
	if l != "" {
		last = &l
	}
	return first, last
}

// joinName is splitName's inverse.
func joinName(first, last string) string {
	return strings.TrimSpace(strings.TrimSpace(first) + " " + strings.TrimSpace(last))
}

// The profile document's keys for Directus's two name fields. The
// surface writes them as the client gave them, beside the joined name
// (which PocketBase clients read), so "Ada Lovelace" + "King" comes back
// as given instead of as "Ada" + "Lovelace King".
const (
	profileFirstName = "first_name"
	profileLastName  = "last_name"
)

// namesOf returns u's first_name and last_name: the profile's pair while
// it still joins to u's name, else the name split in two. A pair that no
// longer joins to the name is stale (the name was changed through another
// surface) and must not hide the change.
func namesOf(u core.User) (first, last *string) {
	if first, last, ok := profileNames(u.Profile); ok && joinName(deref(first), deref(last)) == u.Name {
		return first, last
	}
	return splitName(u.Name)
}

// profileNames reads the name pair from a profile: ok when at least one
// key is there and each is a string or null (a missing key reads as
// null).
func profileNames(doc map[string]any) (first, last *string, ok bool) {
	var found bool
	for _, f := range []struct {
		key string
		dst **string
	}{{profileFirstName, &first}, {profileLastName, &last}} {
		v, there := doc[f.key]
		if !there {
			continue
		}
		found = true
		switch v := v.(type) {
		case nil:
		case string:
			*f.dst = &v
		default:
			return nil, nil, false
		}
	}
	return first, last, found
}

// withNames returns a copy of doc with the name pair set (nil as null):
// the rest of the document, which other surfaces may own, is kept.
func withNames(doc map[string]any, first, last *string) map[string]any {
	out := maps.Clone(doc)
	if out == nil {
		out = map[string]any{}
	}
	for key, v := range map[string]*string{profileFirstName: first, profileLastName: last} {
		if v == nil {
			out[key] = nil
		} else {
			out[key] = *v
		}
	}
	return out
}

// nameErrorOnly drops the profile's error from a validation error that
// also refuses the name: the profile's pair carries the same text, so
// Directus would otherwise report one bad first_name twice.
func nameErrorOnly(err error) error {
	var ce *core.Error
	if !errors.As(err, &ce) {
		return err
	}
	_, name := ce.Fields["name"]
	_, profile := ce.Fields["profile"]
	if !name || !profile {
		return err
	}
	out := *ce
	out.Fields = maps.Clone(ce.Fields)
	delete(out.Fields, "profile")
	return &out
}

// userValues renders p's user as a Directus user item. status is
// "suspended" while the user is suspended or core's lockout holds (it
// ends by core's rules: time, or a superuser's unlock), "unverified"
// before the email is verified, else "active". Gatehouse keeps no role, policies or preferences:
// those read as null, [] and Directus's defaults.
func (s *server) userValues(ctx context.Context, p *core.Principal) (map[string]any, error) {
	u := p.User
	locked, err := s.svc.LockedUntil(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	status := "active"
	switch {
	case u.Suspended() || !locked.IsZero():
		status = "suspended"
	case !u.Verified:
		status = "unverified"
	}
	totp, err := s.svc.TOTPStatusOf(ctx, p, s.c)
	if err != nil {
		return nil, err
	}
	var tfa any
	if totp.Enabled {
		tfa = masked
	}
	var password any
	if u.PasswordHash != "" {
		password = masked
	}
	first, last := namesOf(u)
	return map[string]any{
		"id": u.ID, "first_name": first, "last_name": last, "email": u.Email, "password": password,
		"location": nil, "title": nil, "description": nil, "tags": nil, "avatar": nil, "language": nil,
		"tfa_secret": tfa, "status": status, "role": nil, "token": nil,
		"last_access": p.Session.LastUsed.UTC().Format(timeLayout), "last_page": nil,
		"provider": "default", "external_identifier": nil, "auth_data": nil, "email_notifications": true,
		"appearance": nil, "theme_dark": nil, "theme_light": nil, "theme_light_overrides": nil,
		"theme_dark_overrides": nil, "text_direction": "auto", "policies": []any{},
	}, nil
}

// orderedObject is a JSON object whose keys keep the given order.
type orderedObject struct {
	keys   []string
	values map[string]any
}

// MarshalJSON writes the keys in order.
func (o orderedObject) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, k := range o.keys {
		if i > 0 {
			buf.WriteByte(',')
		}
		kb, _ := json.Marshal(k)
		vb, err := json.Marshal(o.values[k])
		if err != nil {
			return nil, err
		}
		buf.Write(kb)
		buf.WriteByte(':')
		buf.Write(vb)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}
