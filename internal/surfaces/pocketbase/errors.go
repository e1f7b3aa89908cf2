package pocketbase

import (
	"errors"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// apiError is PocketBase's error body. Field order is the wire order.
type apiError struct {
	Data    map[string]any `json:"data"`
	Message string         `json:"message"`
	Status  int            `json:"status"`
}

// defaultMessages are PocketBase's fallbacks for an empty message.
var defaultMessages = map[int]string{
	400: "Something went wrong while processing your request.",
	401: "Missing or invalid authentication.",
	403: "You are not allowed to perform this request.",
	404: "The requested resource wasn't found.",
	429: "Too Many Requests.",
	500: "Something went wrong while processing your request.",
}

// Messages used by more than one route.
const (
	msgValidation = "An error occurred while validating the submitted data."
	msgLoad       = "An error occurred while loading the submitted data."
)

// errorAnswer builds one PocketBase error answer. The message is
// sentenized (capitalized, with a final period) as PocketBase does; an
// empty one is the status's default.
func errorAnswer(status int, msg string, data map[string]any) httpapi.Answer {
	if msg == "" {
		msg = defaultMessages[status]
	}
	if data == nil {
		data = map[string]any{}
	}
	return httpapi.Answer{Status: status, Body: apiError{Data: data, Message: sentenize(msg), Status: status}}
}

// writeAPIError writes one PocketBase error outside the error path (a
// missing collection, an unknown route).
func writeAPIError(w http.ResponseWriter, status int, msg string, data map[string]any) {
	a := errorAnswer(status, msg, data)
	_ = httpapi.WriteJSON(w, a.Status, a.Body)
}

func sentenize(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// pbError is an error answer of the surface's own, for what only
// PocketBase's dialect has (a realtime client id, an audit time bound):
// it is rendered as is.
type pbError struct {
	status  int
	message string
}

// Error describes the error for logs.
func (e *pbError) Error() string { return e.message }

// mapper translates errors into PocketBase's answers for one route:
// validationMsg is the top-level message that route gives field errors.
type mapper struct{ validationMsg string }

// renderer returns the error renderer of a route with this validation
// message.
func (s *server) renderer(validationMsg string) httpapi.Renderer {
	return httpapi.Renderer{Log: s.log, Map: mapper{validationMsg: validationMsg}}
}

// Own answers the surface's own errors.
func (mapper) Own(_ *http.Request, err error) (httpapi.Answer, bool) {
	var e *pbError
	if !errors.As(err, &e) {
		return httpapi.Answer{}, false
	}
	return errorAnswer(e.status, e.message, nil), true
}

// Core answers a core error by its kind, and where PocketBase differs
// from the kind, by its code; the words come from messages.
func (m mapper) Core(_ *http.Request, e *core.Error) httpapi.Answer {
	switch e.Kind {
	case core.KindInvalid, core.KindConflict:
		if len(e.Fields) > 0 {
			msg := m.validationMsg
			if msg == "" {
				msg = msgValidation
			}
			return errorAnswer(400, msg, fieldData(e.Fields))
		}
		return errorAnswer(400, message(e), nil)
	case core.KindUnauthenticated:
		switch e.Code {
		case core.CodeMFARequired:
			// PocketBase's MFA answer is just the challenge id.
			return httpapi.Answer{Status: 401, Body: struct {
				MFAID string `json:"mfaId"`
			}{e.MFAID}}
		case core.CodeInvalidCredentials, core.CodeAccountLocked:
			// PocketBase answers a failed login with 400.
			return errorAnswer(400, message(e), nil)
		}
		return errorAnswer(401, message(e), nil)
	case core.KindForbidden:
		return errorAnswer(403, message(e), nil)
	case core.KindNotFound:
		return errorAnswer(404, message(e), nil)
	case core.KindRateLimited:
		return errorAnswer(429, message(e), nil)
	case core.KindUnavailable:
		return errorAnswer(503, message(e), nil)
	}
	return mapper{}.Internal()
}

// Internal is PocketBase's 500.
func (mapper) Internal() httpapi.Answer { return errorAnswer(500, "", nil) }

// Decode answers a body that could not be read.
func (mapper) Decode(_ *http.Request, de *httpapi.DecodeError) httpapi.Answer {
	switch de.Reason {
	case httpapi.ReasonUnsupportedType:
		return errorAnswer(400, "Unsupported Content-Type.", nil)
	case httpapi.ReasonTooLarge:
		return errorAnswer(413, "Request entity too large.", nil)
	case httpapi.ReasonFiles:
		return errorAnswer(400, msgLoad, fieldData(map[string]core.FieldError{de.Field: {Code: core.FieldFileUpload}}))
	}
	return errorAnswer(400, msgLoad, nil)
}

// fieldData renders field errors as PocketBase's `data` object.
func fieldData(fields map[string]core.FieldError) map[string]any {
	data := make(map[string]any, len(fields))
	for name, f := range fields {
		w := fieldWords(f)
		item := map[string]any{"code": w.code, "message": w.message}
		if w.params && len(f.Params) > 0 {
			item["params"] = f.Params
		}
		data[name] = item
	}
	return data
}
