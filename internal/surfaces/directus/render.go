package directus

import (
	"errors"
	"net/http"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// renderError writes err in Directus's envelope. The surface's own
// *apiError is written as is; a body that could not be read is a 4xx;
// core errors map by kind (routes translate the codes Directus tells
// apart before they get here). Anything unrecognised is a 500 whose cause
// is logged with the request id and never sent.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	writeErrors(w, s.toAPIErrors(r, err)...)
}

// toAPIErrors translates err into Directus errors.
func (s *server) toAPIErrors(r *http.Request, err error) []*apiError {
	if e, ok := asAPIError(err); ok {
		return []*apiError{e}
	}
	var de *httpapi.DecodeError
	if errors.As(err, &de) {
		return []*apiError{decodeError(r, de)}
	}
	e := core.AsError(err)
	switch e.Kind {
	case core.KindInvalid, core.KindConflict:
		if len(e.Fields) == 0 {
			return []*apiError{errInvalidPayload(reasonText(e.Message))}
		}
		out := make([]*apiError, 0, len(e.Fields))
		for _, name := range sortedKeys(e.Fields) {
			out = append(out, errInvalidPayload(fieldReason(name, e.Fields[name])))
		}
		return out
	case core.KindUnauthenticated:
		return []*apiError{errInvalidCredentials()}
	case core.KindForbidden, core.KindNotFound:
		// Directus answers 403 for what the caller may not see as well
		// as for what does not exist, so ids cannot be probed.
		return []*apiError{errForbidden()}
	case core.KindRateLimited:
		return []*apiError{errRequestsExceeded(e.RetryAfter)}
	case core.KindUnavailable:
		service := "database"
		if e.Code == core.CodeHashingBusy {
			service = "auth"
		}
		return []*apiError{errServiceUnavailable(service, reasonText(e.Message), e.RetryAfter)}
	}
	s.log.ErrorContext(r.Context(), "request failed", "request_id", httpapi.RequestIDFrom(r.Context()), "err", err)
	return []*apiError{errInternal()}
}

// decodeError answers a body that could not be read.
func decodeError(r *http.Request, de *httpapi.DecodeError) *apiError {
	switch de.Reason {
	case httpapi.ReasonTooLarge:
		return errContentTooLarge()
	case httpapi.ReasonUnsupportedType:
		return errUnsupportedMediaType(mediaType(r))
	case httpapi.ReasonInvalidUTF8:
		return errInvalidPayload("Request body is not valid UTF-8")
	case httpapi.ReasonWrongType:
		return errInvalidPayload(quote(de.Field) + " has the wrong type")
	}
	return errInvalidPayload("Request body is not a valid JSON object")
}

// mediaType is the request's media type, for the 415 message: printable
// ASCII only, at most 100 bytes, since it is echoed back.
func mediaType(r *http.Request) string {
	mt, _, _ := strings.Cut(r.Header.Get("Content-Type"), ";")
	mt = strings.Map(func(c rune) rune {
		if c < 0x21 || c > 0x7e || c == '"' || c == '\\' {
			return -1
		}
		return c
	}, strings.TrimSpace(mt))
	if len(mt) > 100 {
		mt = mt[:100]
	}
	return mt
}

// coreFieldNames maps core's field names to Directus's.
var coreFieldNames = map[string]string{"oldPassword": "old_password", "name": "first_name"}

// fieldReason words a core field error the way Joi does: `"password"
// must be at least 8 character(s)`.
func fieldReason(name string, f core.FieldError) string {
	if n, ok := coreFieldNames[name]; ok {
		name = n
	}
	if f.Code == core.FieldRequired {
		return quote(name) + " is required"
	}
	// Core's messages are sentences about the field ("Must be ...",
	// "The length must be ..."); Joi's name it first.
	return quote(name) + " " + lowerFirst(strings.TrimPrefix(reasonText(f.Message), "The "))
}

// reasonText turns a core message into a Directus reason: without the
// final period, which the envelope's message adds back.
func reasonText(msg string) string {
	return strings.TrimSuffix(strings.TrimSpace(msg), ".")
}

func lowerFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	if n == 0 {
		return s
	}
	return string(unicode.ToLower(r)) + s[n:]
}

// quote wraps a field name in double quotes, as Joi's messages do.
func quote(name string) string { return `"` + name + `"` }

func sortedKeys(m map[string]core.FieldError) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
