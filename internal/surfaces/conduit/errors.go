package conduit

import (
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// grpcCode is the gRPC status a Conduit module throws; the router turns
// it into the HTTP answer (statusOf).
type grpcCode uint8

// The gRPC codes the surface's errors are thrown with.
const (
	grpcInvalidArgument    grpcCode = 3
	grpcNotFound           grpcCode = 5
	grpcAlreadyExists      grpcCode = 6
	grpcPermissionDenied   grpcCode = 7
	grpcResourceExhausted  grpcCode = 8
	grpcFailedPrecondition grpcCode = 9
	grpcUnimplemented      grpcCode = 12
	grpcInternal           grpcCode = 13
	grpcUnavailable        grpcCode = 14
	grpcUnauthenticated    grpcCode = 16
)

// apiError is one Conduit error: the gRPC code the module throws, its
// message, its conduitCode (omitted when empty) and a wait.
type apiError struct {
	code        grpcCode
	message     string
	conduitCode string
	retryAfter  time.Duration
}

// Error describes the error for logs.
func (e *apiError) Error() string { return "conduit " + e.message }

// errorBody is Conduit's error shape, in its key order.
type errorBody struct {
	Name        string `json:"name"`
	Status      int    `json:"status"`
	Message     string `json:"message"`
	ConduitCode string `json:"conduitCode,omitempty"`
}

// statusMap is how the router answers a gRPC code: its status and name.
// v0.16 maps four codes and answers every other with 500; Gatehouse adds
// the three it cannot answer faithfully without misleading clients (a
// rate limit, an outage, a route it does not serve), and, when asked,
// 409 for a taken email (conflict409).
type statusMap struct{ conflict409 bool }

// answer is the wire answer to e.
func (m statusMap) answer(e *apiError) httpapi.Answer {
	status, name := m.statusOf(e.code)
	return httpapi.Answer{Status: status, RetryAfter: e.retryAfter,
		Body: errorBody{Name: name, Status: status, Message: e.message, ConduitCode: e.conduitCode}}
}

// statusOf is the router's gRPC to HTTP mapping.
func (m statusMap) statusOf(c grpcCode) (int, string) {
	switch c {
	case grpcInvalidArgument:
		return http.StatusBadRequest, "INVALID_ARGUMENTS"
	case grpcNotFound:
		return http.StatusNotFound, "NOT_FOUND"
	case grpcPermissionDenied:
		return http.StatusForbidden, "FORBIDDEN"
	case grpcUnauthenticated:
		return http.StatusUnauthorized, "UNAUTHORIZED"
	case grpcResourceExhausted:
		return http.StatusTooManyRequests, "TOO_MANY_REQUESTS"
	case grpcUnavailable:
		return http.StatusServiceUnavailable, "SERVICE_UNAVAILABLE"
	case grpcUnimplemented:
		return http.StatusNotImplemented, "NOT_IMPLEMENTED"
	case grpcAlreadyExists:
		if m.conflict409 {
			return http.StatusConflict, "CONFLICT"
		}
	}
	return http.StatusInternalServerError, "INTERNAL_SERVER_ERROR"
}

// newError builds an error thrown with a gRPC code.
func newError(c grpcCode, message string) *apiError { return &apiError{code: c, message: message} }

// withCode adds a conduitCode.
func (e *apiError) withCode(conduitCode string) *apiError {
	e.conduitCode = conduitCode
	return e
}

// Conduit's errors, as the surface uses them.

func errInvalid(message string) *apiError { return newError(grpcInvalidArgument, message) }

func errUnauthorized(message string) *apiError { return newError(grpcUnauthenticated, message) }

func errForbidden(message string) *apiError { return newError(grpcPermissionDenied, message) }

func errNotFound(message string) *apiError { return newError(grpcNotFound, message) }

// errUserInput is the router's own refusal of a parameter, before the
// module sees the request: 400 USER_INPUT_ERROR.
type userInputError struct{ message string }

func (e *userInputError) Error() string { return "conduit user input: " + e.message }

func errUserInput(message string) error { return &userInputError{message: message} }

// errUserExists is register's answer to a taken email.
func errUserExists() *apiError {
	return newError(grpcAlreadyExists, "User already exists").withCode("USER_EXISTS")
}

// errNotImplemented answers a route whose flow is not served yet.
func errNotImplemented() *apiError { return newError(grpcUnimplemented, "Not implemented") }

// errRouteNotFound answers a path no route serves.
func errRouteNotFound() *apiError { return errNotFound("Route not found") }

// errInternal is the 500 whose cause is only logged.
func errInternal() *apiError { return newError(grpcInternal, "Something went wrong") }

// errSudoRequired refuses a sensitive route to a renewed token.
func errSudoRequired() *apiError { return errForbidden("Re-login required to enter sudo mode") }

// asAPIError reports whether err is (or wraps) an *apiError.
func asAPIError(err error) (*apiError, bool) {
	var e *apiError
	ok := errors.As(err, &e)
	return e, ok
}
