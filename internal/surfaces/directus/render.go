package directus

import (
	"errors"
	"net/http"
	"slices"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// mapper translates errors into Directus's envelope. The surface's own
// *apiError is answered as is; a body that could not be read is a 4xx;
// core errors map by kind (routes translate the codes Directus tells
// apart before they get here), with the words from words.go.
type mapper struct{}

// renderer renders the surface's errors (httpapi.Renderer logs a 500's
// cause with the request id and never sends it).
func (s *server) renderer() httpapi.Renderer {
	return httpapi.Renderer{Log: s.log, Map: mapper{}}
}

// renderError writes err in Directus's envelope.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderer().Render(w, r, err)
}

// Own answers the surface's own errors.
func (mapper) Own(_ *http.Request, err error) (httpapi.Answer, bool) {
	if e, ok := asAPIError(err); ok {
		return answerOf(e), true
	}
	return httpapi.Answer{}, false
}

// Decode answers a body that could not be read.
func (mapper) Decode(r *http.Request, de *httpapi.DecodeError) httpapi.Answer {
	return answerOf(decodeError(r, de))
}

// Core answers a core error.
func (mapper) Core(_ *http.Request, e *core.Error) httpapi.Answer {
	return answerOf(coreErrors(e)...)
}

// Internal is Directus's 500.
func (mapper) Internal() httpapi.Answer { return answerOf(errInternal()) }

// toAPIErrors translates err into Directus errors, for answers that are
// not an error body (the SSO callback's redirect names the first code).
// An unrecognised error is logged as the renderer would.
func (s *server) toAPIErrors(r *http.Request, err error) []*apiError {
	if e, ok := asAPIError(err); ok {
		return []*apiError{e}
	}
	var de *httpapi.DecodeError
	if errors.As(err, &de) {
		return []*apiError{decodeError(r, de)}
	}
	if e := core.AsError(err); e.Kind != core.KindInternal {
		return coreErrors(e)
	}
	s.log.ErrorContext(r.Context(), "request failed", "request_id", httpapi.RequestIDFrom(r.Context()), "err", err)
	return []*apiError{errInternal()}
}

// coreErrors maps a core error (of any kind but internal) by kind.
func coreErrors(e *core.Error) []*apiError {
	switch e.Kind {
	case core.KindInvalid, core.KindConflict:
		if len(e.Fields) == 0 {
			return []*apiError{errInvalidPayload(reason(e))}
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
		if e.Code == core.CodeHashingBusy || e.Code == core.CodeHashingInterrupted {
			service = "auth"
		}
		return []*apiError{errServiceUnavailable(service, reason(e), e.RetryAfter)}
	}
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
