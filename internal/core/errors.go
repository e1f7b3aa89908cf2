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

// FieldError describes what is wrong with one input field: a code from
// codes.go and its parameters (a length's min and max, say). Surfaces
// word it.
type FieldError struct {
	Code   string
	Params map[string]any
}

// Error is the one error type core returns to surfaces. It carries no
// words: a surface renders Kind, Code, Params and Fields in its own
// dialect (one table per surface), and Cause is only ever logged.
type Error struct {
	Kind Kind
	Code string
	// Params are values the surface may put in its text (the collection
	// a route needs, say); nil for most codes.
	Params     map[string]any
	Fields     map[string]FieldError
	RetryAfter time.Duration
	// MFAID is set when Code is CodeMFARequired: the challenge the
	// second factor must name.
	MFAID string
	Cause error
}

// Error describes the error for logs: kind, code, parameters and cause.
func (e *Error) Error() string {
	s := string(e.Kind) + ": " + e.Code
	if len(e.Params) > 0 {
		s += fmt.Sprintf(" %v", e.Params)
	}
	if len(e.Fields) > 0 {
		s += fmt.Sprintf(" %v", e.Fields)
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
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

// NewError builds an *Error of the given kind and code.
func NewError(kind Kind, code string) *Error {
	return &Error{Kind: kind, Code: code}
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
	// down, or the connection broke). Requests then fail fast as
	// unavailable (503) instead of internal, and succeed again once the
	// database is back. The errors below wrap it, each naming a more
	// precise reason; a store wraps the most precise one it knows.
	ErrUnavailable = errors.New("store unavailable")
	// ErrStoreFull marks a write the database could not make for want of
	// space (SQLite's SQLITE_FULL, PostgreSQL's disk_full): reads still
	// work, writes work again once space is freed.
	ErrStoreFull = fmt.Errorf("%w: disk full", ErrUnavailable)
	// ErrStoreBusy marks a database too contended or loaded to serve the
	// call now: a lock held past the lock timeout, a transaction aborted
	// by contention and not retried, no free pooled connection, too many
	// connections or out of memory on the server.
	ErrStoreBusy = fmt.Errorf("%w: busy", ErrUnavailable)
	// ErrStoreTimeout marks a call that ran out of its time (the store's
	// per-call deadline, or the server's statement_timeout) while the
	// caller was still waiting: the database is too slow or not
	// answering.
	ErrStoreTimeout = fmt.Errorf("%w: timed out", ErrUnavailable)
)

// storeCodes are the unavailable codes a store error maps to, most
// precise reason first, with the Retry-After each answers with: a full
// disk needs an operator, so clients come back later; contention clears
// in moments; a slow or unreachable database is given a few seconds.
var storeCodes = []struct {
	err   error
	code  string
	retry time.Duration
}{
	{ErrStoreFull, CodeStoreFull, 30 * time.Second},
	{ErrStoreBusy, CodeStoreBusy, 2 * time.Second},
	{ErrStoreTimeout, CodeStoreTimeout, 5 * time.Second},
	{ErrUnavailable, CodeStoreUnavailable, 5 * time.Second},
}

// unavailable is the error every flow returns when the store cannot serve
// it now: its code names the reason the store gave.
func unavailable(cause error) *Error {
	for _, c := range storeCodes {
		if errors.Is(cause, c.err) {
			return &Error{Kind: KindUnavailable, Code: c.code, RetryAfter: c.retry, Cause: cause}
		}
	}
	return &Error{Kind: KindUnavailable, Code: CodeStoreUnavailable, RetryAfter: 5 * time.Second, Cause: cause}
}
