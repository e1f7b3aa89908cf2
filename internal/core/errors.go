package core

import (
	"errors"
	"fmt"
	"time"
)

// Kind classifies an error by what the caller did wrong (or what went wrong
// on our side). Surfaces map kinds to their own status codes; core never
// speaks HTTP.
type Kind string

// The error kinds. An error that is not an *Error reads as KindInternal.
const (
	KindInvalid         Kind = "invalid"
	KindUnauthenticated Kind = "unauthenticated"
	KindForbidden       Kind = "forbidden"
	KindNotFound        Kind = "not_found"
	KindConflict        Kind = "conflict"
	KindRateLimited     Kind = "rate_limited"
	KindUnavailable     Kind = "unavailable"
	KindInternal        Kind = "internal"
)

// Stable error codes. Clients and surfaces branch on these, never on
// messages; the catalogue is documented in docs/errors.md.
const (
	CodeValidation         = "validation_failed"
	CodeInvalidCredentials = "invalid_credentials"
	CodeAuthRequired       = "auth_required"
	CodeCollectionMismatch = "collection_mismatch"
	CodeSuperuserRequired  = "superuser_required"
	CodeForbidden          = "forbidden"
	CodeNotFound           = "not_found"
	CodeUnknownCollection  = "unknown_collection"
	CodePasswordAuthOff    = "password_auth_disabled"
	CodeSuperuserVerified  = "superuser_always_verified"
	CodeSuperuserEmail     = "superuser_email_direct"
	CodeLastSuperuser      = "last_superuser"
	CodeHashingBusy        = "hashing_busy"
	CodeInternal           = "internal"
)

// Field error codes. They follow PocketBase's validation catalogue because
// that was the first surface and its codes are already stable snake_case;
// other surfaces translate them.
const (
	FieldRequired           = "validation_required"
	FieldIsEmail            = "validation_is_email"
	FieldLengthOutOfRange   = "validation_length_out_of_range"
	FieldInInvalid          = "validation_in_invalid"
	FieldNotInInvalid       = "validation_not_in_invalid"
	FieldValuesMismatch     = "validation_values_mismatch"
	FieldNotUnique          = "validation_not_unique"
	FieldMinText            = "validation_min_text_constraint"
	FieldMaxText            = "validation_max_text_constraint"
	FieldInvalidOldPassword = "validation_invalid_old_password"
	FieldInvalidToken       = "validation_invalid_token"
	FieldTokenCollection    = "validation_token_collection_mismatch"
	FieldTokenClaims        = "validation_invalid_token_claims"
	FieldTokenEmailMismatch = "validation_token_email_mismatch"
	FieldTokenPayload       = "validation_invalid_token_payload"
	FieldTokenEmail         = "validation_invalid_token_email"
	FieldInvalidPassword    = "validation_invalid_password"
	FieldInvalidNewEmail    = "validation_invalid_new_email"
	FieldUnknown            = "validation_unknown_field"
	FieldInvalidValue       = "validation_invalid_value"
	FieldInvalidFormat      = "validation_invalid_format"
)

// FieldError describes what is wrong with one input field.
type FieldError struct {
	Code    string
	Message string
	Params  map[string]any
}

// Error is the one error type core returns to surfaces. Message is safe to
// show to clients; Cause is only ever logged.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     map[string]FieldError
	RetryAfter time.Duration
	// MFAID is set when Code is CodeMFARequired: the challenge the
	// second factor must name.
	MFAID string
	Cause error
}

// Error describes the error for logs; clients see Message only.
func (e *Error) Error() string {
	msg := e.Message
	if msg == "" {
		msg = e.Code
	}
	if e.Cause != nil {
		return fmt.Sprintf("%s: %s: %v", e.Kind, msg, e.Cause)
	}
	return fmt.Sprintf("%s: %s", e.Kind, msg)
}

// Unwrap exposes the cause to errors.Is and errors.As.
func (e *Error) Unwrap() error { return e.Cause }

// AsError returns err as an *Error. Anything that is not one becomes an
// internal error that wraps it, so a surface never leaks an unclassified
// message and never mistakes one for bad input.
func AsError(err error) *Error {
	var e *Error
	if errors.As(err, &e) {
		if e.Kind == KindInternal && errors.Is(e.Cause, ErrUnavailable) {
			return unavailable(e.Cause)
		}
		return e
	}
	if errors.Is(err, ErrUnavailable) {
		return unavailable(err)
	}
	return &Error{Kind: KindInternal, Code: CodeInternal, Cause: err}
}

// Errorf builds an *Error of the given kind and code.
func Errorf(kind Kind, code, format string, args ...any) *Error {
	return &Error{Kind: kind, Code: code, Message: fmt.Sprintf(format, args...)}
}

// Invalid builds a validation error from field errors.
func Invalid(fields map[string]FieldError) *Error {
	return &Error{Kind: KindInvalid, Code: CodeValidation, Fields: fields}
}

// Internal wraps an unexpected failure; its cause is logged, never shown.
//
// A cause that wraps ErrUnavailable makes it an unavailable error instead.
func Internal(cause error) *Error {
	if errors.Is(cause, ErrUnavailable) {
		return unavailable(cause)
	}
	return &Error{Kind: KindInternal, Code: CodeInternal, Cause: cause}
}

// Store sentinel errors. Stores wrap these (by driver error type, never by
// message text) so core can tell a missing row or a unique violation apart
// from a failure.
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("conflict")
	// ErrUnavailable marks a failure to reach the database at all (it is
	// down, or the connection pool timed out). Requests then fail fast
	// as unavailable (503) instead of internal, and succeed again once
	// the database is back.
	ErrUnavailable = errors.New("store unavailable")
)

// CodeStoreUnavailable is the code of a request that failed because the
// database could not be reached.
const CodeStoreUnavailable = "store_unavailable"

// unavailable is the error every flow returns when the store is down.
func unavailable(cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: CodeStoreUnavailable,
		Message: "The service is temporarily unavailable, try again shortly.", RetryAfter: 5 * time.Second, Cause: cause}
}
