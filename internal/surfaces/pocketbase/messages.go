package pocketbase

import (
	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file is the surface's one table of words: how PocketBase says
// each of core's error codes. Core errors carry a code and parameters;
// "{name}" in a text is replaced by the parameter of that name. A test
// keeps the tables complete: every core code has an entry.

// messages words core's error codes as PocketBase's top-level message. An
// empty text means the status's default message (defaultMessages).
var messages = map[string]string{
	core.CodeValidation:             "", // field errors carry the route's own message
	core.CodeInvalidCredentials:     "Failed to authenticate.",
	core.CodeAccountLocked:          "Failed to authenticate.",
	core.CodeAuthRequired:           "The request requires valid record authorization token.",
	core.CodeCollectionMismatch:     "The request requires auth record from {collection} collection.",
	core.CodeSuperuserRequired:      "The authorized record is not allowed to perform this action.",
	core.CodeRecordsRestricted:      "Only superusers can perform this action.",
	core.CodeUserSuspended:          "The user is suspended.",
	core.CodeNotFound:               "The requested resource wasn't found.",
	core.CodePasswordAuthOff:        "The collection is not configured to allow password authentication.",
	core.CodeSuperuserVerified:      "All superusers are verified by default.",
	core.CodeSuperuserEmail:         "All superusers can change their emails directly.",
	core.CodeLastSuperuser:          "You can't delete the only existing superuser.",
	core.CodeLastLoginMethod:        "You can't unlink the only way you can sign in. Set a password first (reset it by email).",
	core.CodeInvalidFilter:          "Invalid filter parameters.",
	core.CodeInvalidSort:            "Invalid sort parameters.",
	core.CodeInvalidAuditQuery:      "Invalid audit query.",
	core.CodeHashingBusy:            "Too many password checks in progress, try again shortly.",
	core.CodeHashingInterrupted:     "The password check was interrupted, try again shortly.",
	core.CodeStoreUnavailable:       "The service is temporarily unavailable, try again shortly.",
	core.CodeStoreFull:              "The service cannot save data right now, try again later.",
	core.CodeStoreBusy:              "The service is busy, try again shortly.",
	core.CodeStoreTimeout:           "The service is temporarily unavailable, try again shortly.",
	core.CodeRateLimited:            "",
	core.CodeRefreshInvalid:         "Invalid or expired refresh token.",
	core.CodeRefreshReuse:           "Invalid or expired refresh token.",
	core.CodeStateInvalid:           "Invalid or expired state.",
	core.CodeInternal:               "",
	core.CodeMFARequired:            "A second authentication method is required.",
	core.CodeMFAInvalid:             "Invalid or expired MFA session.",
	core.CodeMFAUserMismatch:        "Invalid MFA session.",
	core.CodeMFASameMethod:          "A different authentication method is required.",
	core.CodeMFAAuthenticatorNeeded: "An authenticator app code is required.",
	core.CodeOTPDisabled:            "The collection is not configured to allow OTP authentication.",
	core.CodeOTPInvalid:             "Invalid or expired OTP.",
	core.CodeOTPTooMany:             "Too many attempts, please try again later with a new OTP.",
	core.CodeTOTPInvalid:            "Invalid or expired code.",
	core.CodeTOTPEnabled:            "An authenticator app is already enabled.",
	core.CodeTOTPNeedsVerified:      "Verify your email address before adding an authenticator app.",
	core.CodeTOTPNoEnrollment:       "There is no authenticator app enrolment to confirm.",
	core.CodeTOTPNotEnabled:         "No authenticator app is enabled.",
	core.CodeTOTPTooManyAttempt:     "",
	core.CodeOAuthDisabled:          "The collection is not configured to allow OAuth2 authentication.",
	core.CodeOAuthToken:             "Failed to fetch OAuth2 token.",
	core.CodeOAuthUser:              "Failed to fetch OAuth2 user.",
	core.CodeOAuthFailed:            "Failed to authenticate.",
	core.CodeRedirectDenied:         "The redirect URL is not allowed.",
	core.CodeRequestTimeout:         "The request took too long, try again shortly.",
	core.CodeEmailNotVerified:       "Please verify your email before logging in.",
	core.CodeReauthRequired:         "Please log in again to continue.",
	core.CodeAlreadyInitialized:     "The collection already has users.",

	// Conduit's mail flows (issue 18): PocketBase never returns them.
	core.CodePasswordUnchanged:       "The new password must differ from the current one.",
	core.CodeVerificationCodeInvalid: "Invalid or expired verification code.",
	core.CodeVerificationCodeTooMany: "",
}

// fieldText is how PocketBase words one field error: its wire code, its
// message, and whether core's parameters go out as `params` (PocketBase
// sends them for some validators and not for others).
type fieldText struct {
	code    string
	message string
	params  bool
}

// fieldTexts words core's field error codes.
var fieldTexts = map[string]fieldText{
	core.FieldRequired:           {"validation_required", "Cannot be blank.", false},
	core.FieldIsEmail:            {"validation_is_email", "Must be a valid email address.", false},
	core.FieldLengthOutOfRange:   {"validation_length_out_of_range", "The length must be between {min} and {max}.", true},
	core.FieldInInvalid:          {"validation_in_invalid", "Must be a valid value.", false},
	core.FieldNotInInvalid:       {"validation_not_in_invalid", "Must not be in list.", false},
	core.FieldValuesMismatch:     {"validation_values_mismatch", "Values don't match.", false},
	core.FieldNotUnique:          {"validation_not_unique", "Value must be unique.", false},
	core.FieldPasswordTooShort:   {"validation_min_text_constraint", "Must be at least {min} character(s).", false},
	core.FieldPasswordTooLong:    {"validation_max_text_constraint", "Must be less than {max} character(s).", false},
	core.FieldMaxText:            {"validation_max_text_constraint", "Must be less than {max} character(s).", true},
	core.FieldMinValue:           {"validation_min_greater_equal_than_required", "Must be no less than {threshold}.", true},
	core.FieldInvalidOldPassword: {"validation_invalid_old_password", "Missing or invalid old password.", false},
	core.FieldInvalidPassword:    {"validation_invalid_password", "Missing or invalid auth record password.", false},
	core.FieldInvalidNewEmail:    {"validation_invalid_new_email", "Invalid new email address.", false},
	core.FieldInvalidToken:       {"validation_invalid_token", "Invalid or expired token.", false},
	core.FieldTokenCollection:    {"validation_token_collection_mismatch", "The provided token is for different auth collection.", false},
	core.FieldTokenClaims:        {"validation_invalid_token_claims", "Missing email token claim.", false},
	core.FieldTokenEmailMismatch: {"validation_token_email_mismatch", "The record email doesn't match the token email.", false},
	core.FieldTokenPayload:       {"validation_invalid_token_payload", "Invalid token payload - newEmail must be set.", false},
	core.FieldTokenEmail:         {"validation_invalid_token_email", "The new email address is invalid.", false},
	core.FieldInvalidProvider:    {"validation_invalid_provider", "Provider with name {provider} is missing or is not enabled.", false},
	core.FieldUnknown:            {"validation_unknown_field", "Unknown field.", false},
	core.FieldInvalidUTF8:        {"validation_invalid_value", "Must be valid UTF-8 text.", false},
	core.FieldControlChars:       {"validation_invalid_value", "Must not contain control characters.", false},
	core.FieldInvalidFormat:      {"validation_invalid_format", "Invalid value format.", false},
	core.FieldFileUpload:         {"validation_invalid_value", "File uploads are not supported.", false},
	core.FieldInvalidDocument:    {"validation_invalid_value", "Must be a valid JSON document.", false},
}

// message words e's code, with its parameters filled in.
func message(e *core.Error) string { return httpapi.Fill(messages[e.Code], e.Params) }

// fieldWords words one field error. A code missing from the table (which
// the tables' test rules out) reads as an invalid value.
func fieldWords(f core.FieldError) fieldText {
	t, ok := fieldTexts[f.Code]
	if !ok {
		t = fieldText{"validation_invalid_value", "Invalid value.", false}
	}
	t.message = httpapi.Fill(t.message, f.Params)
	return t
}
