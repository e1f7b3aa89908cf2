package gatehouse

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Kind is what sort of refusal an Error is; callers branch on it (or on
// Code) rather than on Message.
type Kind string

// The kinds of Error, as core decides them.
const (
	KindInvalid         Kind = "invalid"         // bad input: see Error.Fields
	KindUnauthenticated Kind = "unauthenticated" // wrong credentials, or a token that is not (or no longer) valid
	KindForbidden       Kind = "forbidden"
	KindNotFound        Kind = "not_found"
	KindConflict        Kind = "conflict"
	KindRateLimited     Kind = "rate_limited" // try again after Error.RetryAfter
	KindUnavailable     Kind = "unavailable"  // a temporary condition; try again after Error.RetryAfter
	KindInternal        Kind = "internal"
)

// Error is a refused operation. Code is one of core's stable codes
// (docs/errors.md lists them), Message an English sentence for logs and
// people; Fields names what is wrong with which input.
type Error struct {
	Kind       Kind
	Code       string
	Message    string
	Fields     map[string]string // input field -> its field error code
	RetryAfter time.Duration
	cause      error
}

// Error returns the message.
func (e *Error) Error() string { return e.Message }

// Unwrap gives the underlying core error (errors.Is and errors.As see it).
func (e *Error) Unwrap() error { return e.cause }

// words are the messages of the codes an operation of this package
// commonly meets; any other code reads as itself.
var words = map[string]string{
	core.CodeInvalidCredentials: "The email or password provided is incorrect.",
	core.CodeAccountLocked:      "This user is locked due to having too many failed login attempts.",
	core.CodeAuthRequired:       "The token is invalid or has expired.",
	core.CodeCollectionMismatch: "The token belongs to another collection.",
	core.CodeSuperuserRequired:  "Only a superuser may do this.",
	core.CodeValidation:         "The input is invalid.",
	core.CodeRateLimited:        "Too many requests; try again later.",
	core.CodeHashingBusy:        "The password hasher is busy; try again shortly.",
	core.CodeStoreUnavailable:   "The database cannot be reached; try again shortly.",
	core.CodeStoreBusy:          "The database is busy; try again shortly.",
	core.CodeStoreTimeout:       "The database did not answer in time; try again shortly.",
	core.CodeStoreFull:          "The database's disk is full.",
	core.CodeInternal:           "Something went wrong.",
}

// messageOf words a core error, naming its invalid fields.
func messageOf(ce *core.Error) string {
	msg, ok := words[ce.Code]
	if !ok {
		msg = strings.ReplaceAll(ce.Code, "_", " ")
	}
	if len(ce.Fields) == 0 {
		return msg
	}
	names := make([]string, 0, len(ce.Fields))
	for n := range ce.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	return fmt.Sprintf("%s (invalid: %s)", msg, strings.Join(names, ", "))
}

// fieldsOf lists a core error's field codes.
func fieldsOf(ce *core.Error) map[string]string {
	if len(ce.Fields) == 0 {
		return nil
	}
	out := make(map[string]string, len(ce.Fields))
	for n, f := range ce.Fields {
		out[n] = f.Code
	}
	return out
}
