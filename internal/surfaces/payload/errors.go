package payload

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// apiError is one Payload error: its status and message, and for a
// ValidationError its name and data.
type apiError struct {
	status     int
	name       string
	message    string
	data       *validationData
	retryAfter time.Duration
	// class is Payload's error class where it is not name's (GraphQL's
	// extensions.name shows it; REST's envelope does not): "APIError"
	// when empty.
	class string
}

// Error describes the error for logs.
func (e *apiError) Error() string { return strconv.Itoa(e.status) + ": " + e.message }

// validationData is a ValidationError's `data`: the collection's slug
// and one message per field path.
type validationData struct {
	Collection string         `json:"collection"`
	Errors     []fieldMessage `json:"errors"`
}

// fieldMessage is one field's error in a ValidationError.
type fieldMessage struct {
	Message string `json:"message"`
	Path    string `json:"path"`
}

// errorItem is one entry of the envelope; field order is Payload's.
type errorItem struct {
	Name    string          `json:"name,omitempty"`
	Data    *validationData `json:"data,omitempty"`
	Message string          `json:"message"`
}

// errorBody is Payload's error envelope.
type errorBody struct {
	Errors []errorItem `json:"errors"`
}

// answerOf renders e as Payload's envelope.
func answerOf(e *apiError) httpapi.Answer {
	return httpapi.Answer{Status: e.status, RetryAfter: e.retryAfter,
		Body: errorBody{Errors: []errorItem{{Name: e.name, Data: e.data, Message: e.message}}}}
}

// writeError writes e outside the error path (the CSRF refusal).
func writeError(w http.ResponseWriter, e *apiError) {
	httpapi.WriteAnswer(w, answerOf(e))
}

// asAPIError reports whether err is (or wraps) an *apiError.
func asAPIError(err error) (*apiError, bool) {
	var e *apiError
	ok := errors.As(err, &e)
	return e, ok
}

// Payload's error classes, with its English messages.

func errAuthentication() *apiError {
	return &apiError{status: 401, class: "AuthenticationError", message: "The email or password provided is incorrect."}
}

func errLocked() *apiError {
	return &apiError{status: 401, class: "LockedAuth", message: "This user is locked due to having too many failed login attempts."}
}

func errUnverified() *apiError {
	return &apiError{status: 403, class: "UnverifiedEmail", message: "Please verify your email before logging in."}
}

func errForbidden() *apiError {
	return &apiError{status: 403, class: "Forbidden", message: "You are not allowed to perform this action."}
}

func errUnauthorized() *apiError {
	return &apiError{status: 401, class: "UnauthorizedError", message: "Unauthorized, you must be logged in to make this request."}
}

func errNotFound() *apiError {
	return &apiError{status: 404, class: "NotFound", message: "The requested resource was not found."}
}

func errNoUser() *apiError { return &apiError{status: 400, message: "No User"} }

func errIncorrectCollection() *apiError {
	return &apiError{status: 403, message: "Incorrect collection"}
}

func errMissing(what string) *apiError {
	return &apiError{status: 400, message: "Missing " + what + "."}
}

func errMissingData() *apiError { return &apiError{status: 400, message: "Missing required data."} }

func errResetToken() *apiError {
	return &apiError{status: 403, message: "Token is either invalid or has expired."}
}

func errVerifyToken() *apiError {
	return &apiError{status: 403, message: "Verification token is invalid."}
}

// errSecondFactor answers a password login of a user who has an
// authenticator app: Payload's protocol has no second step to take it.
func errSecondFactor() *apiError {
	return &apiError{status: 403, message: "This account signs in with an authenticator app, which this API cannot take; sign in through another API."}
}

func errBadRequest(message string) *apiError { return &apiError{status: 400, message: message} }

func errInternal() *apiError { return &apiError{status: 500, message: "Something went wrong."} }

// errValidation is Payload's ValidationError for the fields in order.
func errValidation(collection string, fields []fieldMessage) *apiError {
	paths := make([]string, len(fields))
	for i, f := range fields {
		paths[i] = f.Path
	}
	msg := "The following field is invalid: "
	if len(fields) > 1 {
		msg = "The following fields are invalid: "
	}
	return &apiError{status: 400, name: "ValidationError", message: msg + strings.Join(paths, ", "),
		data: &validationData{Collection: collection, Errors: fields}}
}

// errRequired is the ValidationError for missing fields.
func errRequired(collection string, paths ...string) *apiError {
	fields := make([]fieldMessage, len(paths))
	for i, p := range paths {
		fields[i] = fieldMessage{Message: msgRequired, Path: p}
	}
	return errValidation(collection, fields)
}
