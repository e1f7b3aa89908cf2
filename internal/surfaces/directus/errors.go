package directus

import (
	"errors"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// apiError is one Directus error: its status, code, message and any
// extra extensions (INVALID_PAYLOAD's reason, for one).
type apiError struct {
	status     int
	code       string
	message    string
	extra      map[string]any
	retryAfter time.Duration
}

// Error describes the error for logs.
func (e *apiError) Error() string { return e.code + ": " + e.message }

// errorItem is one entry of the envelope; field order is Directus's.
type errorItem struct {
	Message    string         `json:"message"`
	Extensions map[string]any `json:"extensions"`
}

// errorBody is Directus's error envelope.
type errorBody struct {
	Errors []errorItem `json:"errors"`
}

// answerOf builds one envelope of errs. Directus answers 500 when the
// errors disagree on their status; the surface's lists never do.
func answerOf(errs ...*apiError) httpapi.Answer {
	body := errorBody{Errors: make([]errorItem, 0, len(errs))}
	a := httpapi.Answer{Status: errs[0].status, Body: body}
	for _, e := range errs {
		ext := map[string]any{"code": e.code}
		for k, v := range e.extra {
			ext[k] = v
		}
		body.Errors = append(body.Errors, errorItem{Message: e.message, Extensions: ext})
		if e.status != a.Status {
			a.Status = http.StatusInternalServerError
		}
		a.RetryAfter = max(a.RetryAfter, e.retryAfter)
	}
	a.Body = body
	return a
}

// writeErrors writes errs as one envelope, outside the error path (the
// CSRF refusal).
func writeErrors(w http.ResponseWriter, errs ...*apiError) {
	httpapi.WriteAnswer(w, answerOf(errs...))
}

// Directus's error classes, as the surface uses them.

func errInvalidPayload(reason string) *apiError {
	return &apiError{status: 400, code: "INVALID_PAYLOAD", message: "Invalid payload. " + reason + ".", extra: map[string]any{"reason": reason}}
}

func errInvalidCredentials() *apiError {
	return &apiError{status: 401, code: "INVALID_CREDENTIALS", message: "Invalid user credentials."}
}

func errInvalidOTP() *apiError {
	return &apiError{status: 401, code: "INVALID_OTP", message: "Invalid user OTP."}
}

func errTokenExpired() *apiError {
	return &apiError{status: 401, code: "TOKEN_EXPIRED", message: "Token expired."}
}

func errUserSuspended() *apiError {
	return &apiError{status: 401, code: "USER_SUSPENDED", message: "User suspended."}
}

func errInvalidToken() *apiError {
	return &apiError{status: 403, code: "INVALID_TOKEN", message: "Invalid token."}
}

func errForbidden() *apiError {
	return &apiError{status: 403, code: "FORBIDDEN", message: "You don't have permission to access this."}
}

// errForbiddenField is Directus's answer to a field the caller may not
// read or write, or that does not exist.
func errForbiddenField(field string) *apiError {
	return &apiError{status: 403, code: "FORBIDDEN",
		message: `You don't have permission to access field "` + field + `" in collection "directus_users" or it does not exist.`}
}

func errRouteNotFound(path string) *apiError {
	return &apiError{status: 404, code: "ROUTE_NOT_FOUND", message: "Route " + path + " doesn't exist."}
}

func errContentTooLarge() *apiError {
	return &apiError{status: 413, code: "CONTENT_TOO_LARGE", message: "Uploaded content is too large."}
}

func errUnsupportedMediaType(mediaType string) *apiError {
	return &apiError{status: 415, code: "UNSUPPORTED_MEDIA_TYPE",
		message: `Unsupported media type "` + mediaType + `" in Content-Type header.`,
		extra:   map[string]any{"mediaType": mediaType, "where": "Content-Type header"}}
}

func errRequestsExceeded(retry time.Duration) *apiError {
	return &apiError{status: 429, code: "REQUESTS_EXCEEDED",
		message: "Too many requests, retry after " + humanDuration(retry) + ".", retryAfter: retry}
}

func errServiceUnavailable(service, reason string, retry time.Duration) *apiError {
	return &apiError{status: 503, code: "SERVICE_UNAVAILABLE",
		message: `Service "` + service + `" is unavailable. ` + reason + ".",
		extra:   map[string]any{"service": service, "reason": reason}, retryAfter: retry}
}

func errInternal() *apiError {
	return &apiError{status: 500, code: "INTERNAL_SERVER_ERROR", message: "An unexpected error occurred."}
}

// humanDuration spells a wait the way Directus's rate limiter does
// ("59s", "2m", "1h"), rounding up so the wait is never understated.
func humanDuration(d time.Duration) string {
	secs := int64(max(time.Second, d+time.Second-1) / time.Second)
	switch {
	case secs < 60:
		return strconv.FormatInt(secs, 10) + "s"
	case secs < 3600:
		return strconv.FormatInt((secs+59)/60, 10) + "m"
	}
	return strconv.FormatInt((secs+3599)/3600, 10) + "h"
}

// asAPIError reports whether err is (or wraps) an *apiError.
func asAPIError(err error) (*apiError, bool) {
	var e *apiError
	ok := errors.As(err, &e)
	return e, ok
}
