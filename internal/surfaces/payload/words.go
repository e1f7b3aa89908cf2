package payload

import (
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file is the surface's one table of words: how Payload says core's
// field errors (a ValidationError's per-path messages, in Payload's
// English validation texts) and the few core codes that reach a client
// as a plain 400 or 503 message.

const msgRequired = "This field is required."

// fieldWords word core's field error codes; a code without words reads
// as Payload's generic invalid input.
var fieldWords = map[string]string{
	core.FieldRequired:           msgRequired,
	core.FieldIsEmail:            "Please enter a valid email address.",
	core.FieldLengthOutOfRange:   "This value must be between {min} and {max} characters long.",
	core.FieldInInvalid:          "This field has an invalid selection.",
	core.FieldNotInInvalid:       "This field has an invalid selection.",
	core.FieldValuesMismatch:     "The values do not match.",
	core.FieldNotUnique:          "A user with the given email is already registered.",
	core.FieldPasswordTooShort:   "This value must be longer than the minimum length of {min} characters.",
	core.FieldPasswordTooLong:    "This value must be shorter than the max length of {max} characters.",
	core.FieldMaxText:            "This value must be shorter than the max length of {max} characters.",
	core.FieldMinValue:           "This value must be at least {threshold}.",
	core.FieldInvalidOldPassword: "The current password is missing or incorrect.",
	core.FieldInvalidPassword:    "The password is missing or incorrect.",
	core.FieldInvalidNewEmail:    "Please enter a valid email address.",
	core.FieldInvalidToken:       "Token is either invalid or has expired.",
	core.FieldTokenCollection:    "Token is either invalid or has expired.",
	core.FieldTokenClaims:        "Token is either invalid or has expired.",
	core.FieldTokenEmailMismatch: "Token is either invalid or has expired.",
	core.FieldTokenPayload:       "Token is either invalid or has expired.",
	core.FieldTokenEmail:         "A user with the given email is already registered.",
	core.FieldInvalidProvider:    "This field has an invalid input.",
	core.FieldUnknown:            "This field does not exist in this collection.",
	core.FieldInvalidUTF8:        "This field must be valid UTF-8 text.",
	core.FieldControlChars:       "This field must not contain control characters.",
	core.FieldInvalidFormat:      "This field has an invalid input.",
	core.FieldFileUpload:         "File uploads are not supported here.",
	core.FieldInvalidDocument:    "This field has an invalid input.",
}

// codeWords word the core codes a route can meet as a 400 without field
// errors, or as an outage (503). Any other code's message is the code
// itself: stable, and never a guess at words.
var codeWords = map[string]string{
	core.CodePasswordAuthOff:    "This collection does not allow logging in with a password.",
	core.CodeSuperuserVerified:  "Superusers are always verified.",
	core.CodeLastSuperuser:      "The last superuser cannot be deleted.",
	core.CodeStoreUnavailable:   "The service is temporarily unavailable, try again shortly.",
	core.CodeStoreFull:          "The service cannot save data right now, try again later.",
	core.CodeStoreBusy:          "The service is busy, try again shortly.",
	core.CodeStoreTimeout:       "The service is temporarily unavailable, try again shortly.",
	core.CodeHashingBusy:        "Too many password checks in progress, try again shortly.",
	core.CodeHashingInterrupted: "The password check was interrupted, try again shortly.",
	core.CodeRequestTimeout:     "The request took too long, try again shortly.",
	core.CodeRateLimited:        "Too many requests, please try again later.",
}

// coreFieldPaths maps core's field names to Payload's paths.
var coreFieldPaths = map[string]string{"identity": "email"}

// fieldMessages words a core validation error's fields, sorted by path.
func fieldMessages(e *core.Error) []fieldMessage {
	out := make([]fieldMessage, 0, len(e.Fields))
	for name, f := range e.Fields {
		if p, ok := coreFieldPaths[name]; ok {
			name = p
		}
		w, ok := fieldWords[f.Code]
		if !ok {
			w = "This field has an invalid input."
		}
		out = append(out, fieldMessage{Message: httpapi.Fill(w, f.Params), Path: name})
	}
	slices.SortFunc(out, func(a, b fieldMessage) int {
		switch {
		case a.Path < b.Path:
			return -1
		case a.Path > b.Path:
			return 1
		}
		return 0
	})
	return out
}

// codeMessage words a core code for a plain message.
func codeMessage(e *core.Error) string {
	if w, ok := codeWords[e.Code]; ok {
		return w
	}
	return e.Code
}
