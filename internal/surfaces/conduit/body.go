package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// body is a decoded request body. Its accessors refuse a parameter as
// Conduit's router does before the module runs (400 USER_INPUT_ERROR,
// "email is required", "email must be a string"); unknown keys are
// ignored, as the router ignores them.
type body struct{ f httpapi.Fields }

// readBody decodes the request body: JSON or a form (the router's body
// parsers); an empty body reads as an empty object. Malformed JSON,
// invalid UTF-8, another media type and an oversize body are errors the
// renderer answers with 400, 415 and 413.
func (s *server) readBody(r *http.Request) (body, error) {
	f, err := httpapi.DecodeFields(r, httpapi.DecodeOptions{MaxBytes: s.bodyLimit, AllowForm: true})
	if err != nil {
		return body{}, err
	}
	return body{f: f}, nil
}

// required returns a string parameter that must be present and not null.
func (b body) required(key string) (string, error) {
	v, present, err := b.f.String(key)
	switch {
	case err != nil:
		return "", errUserInput(key + " must be a string")
	case !present:
		return "", errUserInput(key + " is required")
	}
	return v, nil
}

// optional returns a string parameter ("" when missing or null).
func (b body) optional(key string) (string, error) {
	v, _, err := b.f.String(key)
	if err != nil {
		return "", errUserInput(key + " must be a string")
	}
	return v, nil
}

// object returns a JSON parameter that must be an object, nil when
// missing or null.
func (b body) object(key string) (map[string]any, bool, error) {
	v, present, err := b.f.Object(key)
	if err != nil {
		return nil, false, errUserInput(key + " must be a JSON object")
	}
	return v, present, nil
}

// email returns the required email parameter, refusing one that is not
// an address as Conduit's module does.
func (b body) email(key string) (string, error) {
	v, err := b.required(key)
	if err != nil {
		return "", err
	}
	if !core.ValidEmail(v) {
		return "", errInvalid("Invalid email address provided")
	}
	return v, nil
}
