package conduit

import (
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file is the surface's one table of words: how Conduit says core's
// error codes. A code Conduit has a message for uses it (its module's
// words, spec §3.4); the rest read as plain sentences. A code missing
// from the table reads as its kind's default.

// codeWords are the codes' gRPC codes and messages.
var codeWords = map[string]struct {
	code    grpcCode
	message string
}{
	core.CodeInvalidCredentials: {grpcUnauthenticated, "Invalid login credentials"},
	core.CodeAccountLocked:      {grpcUnauthenticated, "Invalid login credentials"},
	core.CodeAuthRequired:       {grpcUnauthenticated, msgTokenInvalid},
	core.CodeRefreshInvalid:     {grpcInvalidArgument, "Refresh token not found"},
	core.CodeRefreshReuse:       {grpcInvalidArgument, "Refresh token not found"},
	core.CodeEmailNotVerified:   {grpcPermissionDenied, "You must verify your account to login"},
	core.CodePasswordAuthOff:    {grpcPermissionDenied, "User does not use password authentication"},
	core.CodeReauthRequired:     {grpcPermissionDenied, "Re-login required to enter sudo mode"},
	core.CodeRedirectDenied:     {grpcPermissionDenied, "Invalid redirect URI"},
	core.CodeUserSuspended:      {grpcPermissionDenied, "User is blocked or deleted"},
	core.CodeCollectionMismatch: {grpcUnauthenticated, msgTokenRevoked},
	core.CodeNotFound:           {grpcNotFound, "User not found"},
	core.CodeRateLimited:        {grpcResourceExhausted, "Too many requests, try again later"},
	core.CodeHashingBusy:        {grpcUnavailable, "Too many password checks in progress, try again shortly"},
	core.CodeHashingInterrupted: {grpcUnavailable, "The password check was interrupted, try again shortly"},
	core.CodeStoreUnavailable:   {grpcUnavailable, "The service is temporarily unavailable, try again shortly"},
	core.CodeStoreFull:          {grpcUnavailable, "The service cannot save data right now, try again later"},
	core.CodeStoreBusy:          {grpcUnavailable, "The service is busy, try again shortly"},
	core.CodeStoreTimeout:       {grpcUnavailable, "The service is temporarily unavailable, try again shortly"},
	core.CodeRequestTimeout:     {grpcUnavailable, "The request took too long, try again shortly"},

	// The mailed flows (mail.go, mail_account.go).
	core.CodePasswordUnchanged:       {grpcPermissionDenied, "Password can't be the same as the old one"},
	core.CodeVerificationCodeInvalid: {grpcInvalidArgument, "Invalid verification code"},
	core.CodeVerificationCodeTooMany: {grpcResourceExhausted, "Too many attempts, request a new code later"},
}

// kindCodes are each kind's gRPC code, for codes the table lacks.
var kindCodes = map[core.Kind]grpcCode{
	core.KindInvalid:         grpcInvalidArgument,
	core.KindUnauthenticated: grpcUnauthenticated,
	core.KindForbidden:       grpcPermissionDenied,
	core.KindNotFound:        grpcNotFound,
	core.KindConflict:        grpcAlreadyExists,
	core.KindRateLimited:     grpcResourceExhausted,
	core.KindUnavailable:     grpcUnavailable,
}

// fieldWords word core's field error codes after the field's name.
var fieldWords = map[string]string{
	core.FieldRequired:           "is required",
	core.FieldIsEmail:            "must be a valid email address",
	core.FieldLengthOutOfRange:   "must be between {min} and {max} characters",
	core.FieldInInvalid:          "is not an allowed value",
	core.FieldNotInInvalid:       "is not an allowed value",
	core.FieldValuesMismatch:     "does not match",
	core.FieldNotUnique:          "is already taken",
	core.FieldPasswordTooShort:   "must be at least {min} characters",
	core.FieldPasswordTooLong:    "must be at most {max} characters",
	core.FieldMaxText:            "must be at most {max} characters",
	core.FieldMinValue:           "must be at least {threshold}",
	core.FieldInvalidOldPassword: "is not correct",
	core.FieldInvalidPassword:    "is not correct",
	core.FieldInvalidNewEmail:    "is not a valid email address",
	core.FieldInvalidToken:       "is invalid or expired",
	core.FieldTokenCollection:    "is invalid or expired",
	core.FieldTokenClaims:        "is invalid or expired",
	core.FieldTokenEmailMismatch: "is invalid or expired",
	core.FieldTokenPayload:       "is invalid or expired",
	core.FieldTokenEmail:         "is already taken",
	core.FieldInvalidProvider:    "names no enabled provider",
	core.FieldUnknown:            "is not a known field",
	core.FieldInvalidUTF8:        "must be valid UTF-8 text",
	core.FieldControlChars:       "must not contain control characters",
	core.FieldInvalidFormat:      "has an invalid format",
	core.FieldFileUpload:         "cannot be a file",
	core.FieldInvalidDocument:    "must be a valid JSON object",
}

// coreFieldNames are core's field names as Conduit's clients send them.
var coreFieldNames = map[string]string{"identity": "email", "profile": "userData"}

// coreError words a core error (of any kind but internal).
func coreError(e *core.Error) *apiError {
	if w, ok := codeWords[e.Code]; ok {
		return &apiError{code: w.code, message: w.message, retryAfter: e.RetryAfter}
	}
	code, ok := kindCodes[e.Kind]
	if !ok {
		return errInternal()
	}
	msg := kindWords[e.Kind]
	if len(e.Fields) > 0 {
		msg = fieldMessage(e)
	}
	return &apiError{code: code, message: msg, retryAfter: e.RetryAfter}
}

// kindWords are each kind's message for a code the table lacks.
var kindWords = map[core.Kind]string{
	core.KindInvalid:         "Invalid parameters",
	core.KindUnauthenticated: msgTokenInvalid,
	core.KindForbidden:       "Forbidden",
	core.KindNotFound:        "Resource not found",
	core.KindConflict:        "Resource already exists",
	core.KindRateLimited:     "Too many requests, try again later",
	core.KindUnavailable:     "The service is temporarily unavailable, try again shortly",
}

// fieldMessage words the first of e's field errors, by field name
// order: "password must be at least 8 characters".
func fieldMessage(e *core.Error) string {
	names := make([]string, 0, len(e.Fields))
	for n := range e.Fields {
		names = append(names, n)
	}
	slices.Sort(names)
	f := e.Fields[names[0]]
	name := names[0]
	if n, ok := coreFieldNames[name]; ok {
		name = n
	}
	if f.Code == core.FieldIsEmail {
		return "Invalid email address provided"
	}
	w, ok := fieldWords[f.Code]
	if !ok {
		w = "is invalid"
	}
	return name + " " + httpapi.Fill(w, f.Params)
}
