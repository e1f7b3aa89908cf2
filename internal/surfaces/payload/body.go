package payload

import (
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// body is a decoded JSON request body. Unknown keys are allowed, as
// Payload's auth operations read only the keys they need.
type body struct{ f httpapi.Fields }

// readBody decodes the request body: JSON only (the SDK sends nothing
// else); an empty body reads as an empty object. Malformed JSON, invalid
// UTF-8, another media type and an oversize body are errors the renderer
// turns into 400, 415 and 413.
func (s *server) readBody(r *http.Request) (body, error) {
	f, err := httpapi.DecodeFields(r, httpapi.DecodeOptions{MaxBytes: s.bodyLimit})
	if err != nil {
		return body{}, err
	}
	return body{f: f}, nil
}

// str returns an optional string field: "" when missing, null or empty.
// Another type is a ValidationError naming the field.
func (b body) str(key string) (string, error) {
	v, _, err := b.f.String(key)
	return v, err
}

// present reports whether key was sent at all (even null), as Payload's
// `key in data` checks.
func (b body) present(key string) bool {
	_, ok := b.f[key]
	return ok
}

// email returns the email field as Payload matches it: trimmed (core
// folds its case, by the surface's profile).
func (b body) email() (string, error) {
	v, err := b.str("email")
	return strings.TrimSpace(v), err
}

// readEmail reads a body whose one field is the email (forgot-password,
// unlock): missing or empty is Payload's "Missing email." error.
func (s *server) readEmail(r *http.Request) (string, error) {
	b, err := s.readBody(r)
	if err != nil {
		return "", err
	}
	email, err := b.email()
	if err != nil {
		return "", err
	}
	if email == "" {
		return "", errMissing("email")
	}
	return email, nil
}
