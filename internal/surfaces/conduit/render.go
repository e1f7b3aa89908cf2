package conduit

import (
	"errors"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// mapper translates errors into Conduit's shape: the surface's own
// *apiError through the router's gRPC mapping, the router's parameter
// refusals as USER_INPUT_ERROR, unreadable bodies as 4xx, and core errors
// by kind and code (words.go).
type mapper struct{ statuses statusMap }

// renderer renders the surface's errors (httpapi.Renderer logs a 500's
// cause with the request id and never sends it).
func (s *server) renderer() httpapi.Renderer {
	return httpapi.Renderer{Log: s.log, Map: mapper{statuses: s.statuses}}
}

// renderError writes err in Conduit's shape.
func (s *server) renderError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderer().Render(w, r, err)
}

// Own answers the surface's own errors.
func (m mapper) Own(_ *http.Request, err error) (httpapi.Answer, bool) {
	if e, ok := asAPIError(err); ok {
		return m.statuses.answer(e), true
	}
	var ue *userInputError
	if errors.As(err, &ue) {
		return userInputAnswer(http.StatusBadRequest, "USER_INPUT_ERROR", ue.message), true
	}
	return httpapi.Answer{}, false
}

// Decode answers a body that could not be read, as the router's body
// parser would: 413 for an oversize body, 400 USER_INPUT_ERROR else.
func (mapper) Decode(_ *http.Request, de *httpapi.DecodeError) httpapi.Answer {
	switch de.Reason {
	case httpapi.ReasonTooLarge:
		return userInputAnswer(http.StatusRequestEntityTooLarge, "PAYLOAD_TOO_LARGE", "Request body is too large")
	case httpapi.ReasonUnsupportedType:
		return userInputAnswer(http.StatusUnsupportedMediaType, "UNSUPPORTED_MEDIA_TYPE", "Request body must be JSON")
	case httpapi.ReasonWrongType:
		return userInputAnswer(http.StatusBadRequest, "USER_INPUT_ERROR", de.Field+" has the wrong type")
	case httpapi.ReasonInvalidUTF8:
		return userInputAnswer(http.StatusBadRequest, "USER_INPUT_ERROR", "Request body is not valid UTF-8")
	}
	return userInputAnswer(http.StatusBadRequest, "USER_INPUT_ERROR", "Request body is not valid JSON")
}

// Core answers a core error.
func (m mapper) Core(_ *http.Request, e *core.Error) httpapi.Answer {
	return m.statuses.answer(coreError(e))
}

// Internal is Conduit's 500.
func (m mapper) Internal() httpapi.Answer { return m.statuses.answer(errInternal()) }

// userInputAnswer is an answer in Conduit's shape that no gRPC code
// makes (the router's own refusals).
func userInputAnswer(status int, name, message string) httpapi.Answer {
	return httpapi.Answer{Status: status, Body: errorBody{Name: name, Status: status, Message: message}}
}

// writeError writes err outside the handler path (a middleware's
// refusal), as the renderer would.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	s.renderError(w, r, err)
}
