package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// body is a decoded JSON request body. Its accessors fail with the
// messages Directus's validation (Joi) gives; unknown keys are allowed,
// as Directus's schemas allow them.
type body struct{ f httpapi.Fields }

// readBody decodes the request body: JSON only (every SDK request is
// application/json); an empty body reads as an empty object. Malformed
// JSON, invalid UTF-8, another media type and an oversize body are
// errors the renderer turns into 400, 415 and 413.
func (s *server) readBody(r *http.Request) (body, error) {
	f, err := httpapi.DecodeFields(r, httpapi.DecodeOptions{MaxBytes: s.bodyLimit})
	if err != nil {
		return body{}, err
	}
	return body{f: f}, nil
}

// has reports whether the key was sent with a non-null value.
func (b body) has(key string) bool {
	v, ok := b.f[key]
	return ok && v != nil
}

// str returns an optional string field ("" when missing or null).
func (b body) str(key string) (string, error) {
	v, _, err := b.f.String(key)
	if err != nil {
		return "", errInvalidPayload(quote(key) + " must be a string")
	}
	return v, nil
}

// strPtr returns an optional string field, nil when missing or null.
func (b body) strPtr(key string) (*string, error) {
	v, present, err := b.f.String(key)
	if err != nil {
		return nil, errInvalidPayload(quote(key) + " must be a string")
	}
	if !present {
		return nil, nil
	}
	return &v, nil
}

// required returns a string field that must be present and non-empty.
func (b body) required(key string) (string, error) {
	v, present, err := b.f.String(key)
	switch {
	case err != nil:
		return "", errInvalidPayload(quote(key) + " must be a string")
	case !present:
		return "", errInvalidPayload(quote(key) + " is required")
	}
	return v, nonEmpty(key, v)
}

// email returns a required email field; Directus validates its shape
// (a TLD-less address such as admin@localhost is refused, as by Joi).
func (b body) email(key string) (string, error) {
	v, err := b.required(key)
	if err != nil {
		return "", err
	}
	return v, validEmail(key, v)
}

// nonEmpty refuses an empty value of a required field, in Joi's words.
// REST bodies and GraphQL arguments share it.
func nonEmpty(key, v string) error {
	if v == "" {
		return errInvalidPayload(quote(key) + " is not allowed to be empty")
	}
	return nil
}

// validEmail refuses a required email field that is empty or not an
// address.
func validEmail(key, v string) error {
	if err := nonEmpty(key, v); err != nil {
		return err
	}
	if !core.ValidEmail(v) {
		return errInvalidPayload(quote(key) + " must be a valid email")
	}
	return nil
}
