package payload

import (
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// mapper translates errors into Payload's envelope: the surface's own
// *apiError as is, a body that could not be read as a 4xx, core errors
// by kind (routes translate the codes Payload tells apart before they get
// here), with the words from words.go.
type mapper struct{ s *server }

// renderer renders the surface's errors (httpapi.Renderer logs a 500's
// cause with the request id and never sends it).
func (s *server) renderer() httpapi.Renderer {
	return httpapi.Renderer{Log: s.log, Map: mapper{s: s}}
}

// renderError writes err in Payload's envelope.
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

// Decode answers a body that could not be read. Payload has no words
// for these (its framework answers them); these are Gatehouse's, in
// Payload's envelope.
func (m mapper) Decode(r *http.Request, de *httpapi.DecodeError) httpapi.Answer {
	switch de.Reason {
	case httpapi.ReasonTooLarge:
		return answerOf(&apiError{status: 413, message: "The request body is too large."})
	case httpapi.ReasonUnsupportedType:
		return answerOf(&apiError{status: 415, message: "The request body must be JSON (Content-Type: application/json)."})
	case httpapi.ReasonInvalidUTF8:
		return answerOf(errBadRequest("The request body is not valid UTF-8."))
	case httpapi.ReasonWrongType:
		return answerOf(errValidation(m.s.slugOfRequest(r), []fieldMessage{{Message: "This field has an invalid input.", Path: de.Field}}))
	}
	return answerOf(errBadRequest("The request body is not a valid JSON object."))
}

// Core answers a core error by kind.
func (m mapper) Core(r *http.Request, e *core.Error) httpapi.Answer {
	return answerOf(m.s.coreError(r, e))
}

// Internal is Payload's 500.
func (mapper) Internal() httpapi.Answer { return answerOf(errInternal()) }

// coreError maps a core error (of any kind but internal) by kind.
func (s *server) coreError(r *http.Request, e *core.Error) *apiError {
	switch e.Kind {
	case core.KindInvalid, core.KindConflict:
		if len(e.Fields) > 0 {
			return errValidation(s.slugOfRequest(r), fieldMessages(e))
		}
		return errBadRequest(codeMessage(e))
	case core.KindUnauthenticated:
		return errUnauthorized()
	case core.KindForbidden:
		return errForbidden()
	case core.KindNotFound:
		return errNotFound()
	case core.KindRateLimited:
		return &apiError{status: 429, message: codeMessage(&core.Error{Code: core.CodeRateLimited}), retryAfter: e.RetryAfter}
	case core.KindUnavailable:
		return &apiError{status: 503, message: codeMessage(e), retryAfter: e.RetryAfter}
	}
	return errInternal()
}

// slugOfRequest is the slug whose routes r is for ("" for the access
// view): the `collection` of a ValidationError.
func (s *server) slugOfRequest(r *http.Request) string {
	for _, sl := range s.slugs {
		base := s.opt.APIPrefix + "/" + sl.name
		if r.URL.Path == base || strings.HasPrefix(r.URL.Path, base+"/") {
			return sl.name
		}
	}
	return ""
}
