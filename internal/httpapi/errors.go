package httpapi

import "strconv"

// Reason says why a request body could not be decoded or a field could
// not be read. Surfaces map reasons to their own status codes and
// messages (ReasonTooLarge is usually a 413, the rest a 400).
//
// A Reason is also an error, so errors.Is(err, ReasonTooLarge) matches any
// *DecodeError carrying that reason; the reasons double as sentinels
// without any package-level variables.
type Reason string

// The decode failure reasons.
const (
	// ReasonUnsupportedType: the Content-Type is missing, unknown or not
	// enabled for the endpoint, and the body is not empty.
	ReasonUnsupportedType Reason = "unsupported_type"
	// ReasonMalformed: the body does not parse, or has a shape we refuse
	// (a JSON array at the top level, nested XML, a DOCTYPE, ...).
	ReasonMalformed Reason = "malformed"
	// ReasonInvalidUTF8: a name or value is not valid UTF-8.
	ReasonInvalidUTF8 Reason = "invalid_utf8"
	// ReasonTooLarge: the body is over the size limit, or has too many
	// parts.
	ReasonTooLarge Reason = "too_large"
	// ReasonWrongType: a field holds a value of another type than the
	// one asked for.
	ReasonWrongType Reason = "wrong_type"
	// ReasonFiles: a multipart body carries a file part; no surface
	// stores files yet.
	ReasonFiles Reason = "files"
)

// Error describes the reason in words.
func (r Reason) Error() string {
	switch r {
	case ReasonUnsupportedType:
		return "unsupported content type"
	case ReasonMalformed:
		return "malformed body"
	case ReasonInvalidUTF8:
		return "invalid utf-8"
	case ReasonTooLarge:
		return "body too large"
	case ReasonWrongType:
		return "wrong field type"
	case ReasonFiles:
		return "file uploads are not supported"
	}
	return string(r)
}

// DecodeError is the only error type DecodeFields and the Fields
// accessors return.
type DecodeError struct {
	Reason Reason
	// Field names the offending field when there is one. It is always
	// valid UTF-8, so a surface may echo it in its error body.
	Field string
	// Err is the underlying cause (a JSON or XML syntax error, an
	// *http.MaxBytesError, ...). It is for logs, not for clients.
	Err error
}

// Error describes the problem; it never includes the body itself.
func (e *DecodeError) Error() string {
	s := e.Reason.Error()
	if e.Field != "" {
		s = "field " + strconv.Quote(e.Field) + ": " + s
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap exposes the cause, so errors.As finds an *http.MaxBytesError.
func (e *DecodeError) Unwrap() error { return e.Err }

// Is reports whether target is this error's Reason.
func (e *DecodeError) Is(target error) bool {
	r, ok := target.(Reason)
	return ok && r == e.Reason
}

func decodeErr(reason Reason, field string, cause error) *DecodeError {
	return &DecodeError{Reason: reason, Field: field, Err: cause}
}
