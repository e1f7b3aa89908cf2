package directus

import (
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file is the surface's one table of words: how Directus says core's
// error codes. Directus's own classes (INVALID_CREDENTIALS, FORBIDDEN,
// ...) carry fixed messages (errors.go); only INVALID_PAYLOAD's and
// SERVICE_UNAVAILABLE's reasons word a core code, and field errors read
// as Joi's messages: `"password" must be at least 8 character(s)`.

// reasons words the codes a Directus route can meet as an invalid request
// without field errors, or as an outage. Any other code's reason is the
// code itself: stable, and never a guess at words.
var reasons = map[string]string{
	core.CodePasswordAuthOff:    "The collection is not configured to allow password authentication",
	core.CodeTOTPEnabled:        "An authenticator app is already enabled",
	core.CodeTOTPNeedsVerified:  "Verify your email address before adding an authenticator app",
	core.CodeTOTPNoEnrollment:   "There is no authenticator app enrolment to confirm",
	core.CodeTOTPNotEnabled:     "No authenticator app is enabled",
	core.CodeStoreUnavailable:   "The service is temporarily unavailable, try again shortly",
	core.CodeStoreFull:          "The service cannot save data right now, try again later",
	core.CodeStoreBusy:          "The service is busy, try again shortly",
	core.CodeStoreTimeout:       "The service is temporarily unavailable, try again shortly",
	core.CodeHashingBusy:        "too many password checks in progress, try again shortly",
	core.CodeHashingInterrupted: "the password check was interrupted, try again shortly",
	core.CodeRequestTimeout:     "The request took too long, try again shortly",
}

// fieldReasons word core's field error codes after the quoted field name.
var fieldReasons = map[string]string{
	core.FieldRequired:           "is required",
	core.FieldIsEmail:            "must be a valid email address",
	core.FieldLengthOutOfRange:   "length must be between {min} and {max}",
	core.FieldInInvalid:          "must be a valid value",
	core.FieldNotInInvalid:       "must not be in list",
	core.FieldValuesMismatch:     "values don't match",
	core.FieldNotUnique:          "value must be unique",
	core.FieldPasswordTooShort:   "must be at least {min} character(s)",
	core.FieldPasswordTooLong:    "must be less than {max} character(s)",
	core.FieldMaxText:            "must be less than {max} character(s)",
	core.FieldMinValue:           "must be no less than {threshold}",
	core.FieldInvalidOldPassword: "missing or invalid old password",
	core.FieldInvalidPassword:    "missing or invalid auth record password",
	core.FieldInvalidNewEmail:    "invalid new email address",
	core.FieldInvalidToken:       "invalid or expired token",
	core.FieldTokenCollection:    "provided token is for different auth collection",
	core.FieldTokenClaims:        "missing email token claim",
	core.FieldTokenEmailMismatch: "record email doesn't match the token email",
	core.FieldTokenPayload:       "invalid token payload - newEmail must be set",
	core.FieldTokenEmail:         "new email address is invalid",
	core.FieldInvalidProvider:    "provider with name {provider} is missing or is not enabled",
	core.FieldUnknown:            "unknown field",
	core.FieldInvalidUTF8:        "must be valid UTF-8 text",
	core.FieldControlChars:       "must not contain control characters",
	core.FieldInvalidFormat:      "invalid value format",
	core.FieldFileUpload:         "file uploads are not supported",
	core.FieldInvalidDocument:    "must be a valid JSON document",
}

// coreFieldNames maps core's field names to Directus's.
var coreFieldNames = map[string]string{"oldPassword": "old_password", "name": "first_name"}

// reason words e for INVALID_PAYLOAD or SERVICE_UNAVAILABLE (without the
// final period, which the envelope's message adds).
func reason(e *core.Error) string {
	if r, ok := reasons[e.Code]; ok {
		return httpapi.Fill(r, e.Params)
	}
	return e.Code
}

// fieldReason words a core field error the way Joi does: `"password"
// must be at least 8 character(s)`.
func fieldReason(name string, f core.FieldError) string {
	if n, ok := coreFieldNames[name]; ok {
		name = n
	}
	r, ok := fieldReasons[f.Code]
	if !ok {
		r = "is invalid"
	}
	return quote(name) + " " + httpapi.Fill(r, f.Params)
}
