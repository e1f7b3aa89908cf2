package directus

import (
	"bytes"
	"context"
	"encoding/json"
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

// userValues renders p's user as a Directus user item. status is
// "suspended" while core's lockout holds (it ends by core's rules: time,
// or a superuser's unlock), "unverified" before the email is verified,
// else "active". Gatehouse keeps no role, policies or preferences:
// those read as null, [] and Directus's defaults.
func (s *server) userValues(ctx context.Context, p *core.Principal) (map[string]any, error) {
	u := p.User
	locked, err := s.svc.LockedUntil(ctx, u.ID)
	if err != nil {
		return nil, err
	}
	status := "active"
	switch {
	case !locked.IsZero():
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
	first, last := splitName(u.Name)
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
