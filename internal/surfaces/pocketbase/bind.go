package pocketbase

import (
	"net/http"
	"slices"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// form is a decoded request body with typed accessors. The first type
// error is kept in err, so a handler reads every field and checks once.
type form struct {
	fields httpapi.Fields
	err    error
}

// readForm decodes a body the way PocketBase accepts it: JSON, urlencoded
// or multipart forms (with the SDK's @jsonPayload part), or XML.
func (s *server) readForm(r *http.Request) (*form, error) {
	f, err := httpapi.DecodeFields(r, httpapi.DecodeOptions{
		MaxBytes:         s.bodyLimit,
		AllowForm:        true,
		AllowMultipart:   true,
		AllowXML:         true,
		JSONPayloadField: "@jsonPayload",
	})
	if err != nil {
		return nil, err
	}
	return &form{fields: f}, nil
}

func (f *form) keep(err error) {
	if f.err == nil {
		f.err = err
	}
}

// str returns a string field, "" when absent.
func (f *form) str(key string) string {
	v, _, err := f.fields.String(key)
	f.keep(err)
	return v
}

// strPtr returns a string field, nil when absent.
func (f *form) strPtr(key string) *string {
	v, ok, err := f.fields.String(key)
	f.keep(err)
	if !ok || err != nil {
		return nil
	}
	return &v
}

// boolPtr returns a bool field, nil when absent.
func (f *form) boolPtr(key string) *bool {
	v, ok, err := f.fields.Bool(key)
	f.keep(err)
	if !ok || err != nil {
		return nil
	}
	return &v
}

// int64 returns an integer field, 0 when absent.
func (f *form) int64(key string) int64 {
	v, _, err := f.fields.Int64(key)
	f.keep(err)
	return v
}

// unknown lists the keys that are neither accepted nor ignored.
func (f *form) unknown(accepted, ignored []string) []string {
	var out []string
	for _, k := range f.fields.Keys() {
		if !slices.Contains(accepted, k) && !slices.Contains(ignored, k) {
			out = append(out, k)
		}
	}
	return out
}
