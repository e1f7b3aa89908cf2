package core

// This file is the one catalogue of the codes core's errors carry. Codes
// are stable snake_case: clients and surfaces branch on them, and each
// surface owns one table from these codes to its own wire text. Core
// itself words nothing: an error is a kind, a code and its parameters.
// docs/errors.md lists the same codes; a test keeps the two equal.

// Error codes. The comment after each names the kind it is returned with
// and its parameters, if any.
const (
	CodeValidation         = "validation_failed"      // invalid; see Fields
	CodeInvalidCredentials = "invalid_credentials"    // unauthenticated: unknown identity or wrong password, never which
	CodeAccountLocked      = "account_locked"         // unauthenticated: refresh while locked, or a login of a profile that discloses locks
	CodeAuthRequired       = "auth_required"          // unauthenticated: the route needs a valid token (Cause says why one was refused)
	CodeCollectionMismatch = "collection_mismatch"    // forbidden; params: collection (the name the route needs)
	CodeSuperuserRequired  = "superuser_required"     // forbidden: only a superuser may do this
	CodeRecordsRestricted  = "records_restricted"     // forbidden: the collection's records API is for superusers only
	CodeUserSuspended      = "user_suspended"         // forbidden: the target user is suspended (impersonation)
	CodeNotFound           = "not_found"              // not_found; params: email (CLI lookups only)
	CodePasswordAuthOff    = "password_auth_disabled" // forbidden (login) or invalid (reset request)
	CodeSuperuserVerified  = "superuser_always_verified"
	CodeSuperuserEmail     = "superuser_email_direct"
	CodeLastSuperuser      = "last_superuser"
	CodeLastLoginMethod    = "last_login_method" // invalid: unlinking the only way to sign in
	CodeInvalidFilter      = "invalid_filter"    // invalid: a list filter that does not parse or names an unknown field
	CodeInvalidSort        = "invalid_sort"      // invalid: a list sort that names an unknown field
	CodeInvalidAuditQuery  = "invalid_audit_query"
	CodeHashingBusy        = "hashing_busy"          // unavailable: too many password checks at once; RetryAfter
	CodeHashingInterrupted = "hashing_interrupted"   // unavailable: the check was cut short (client gone, shutdown, worker crash); RetryAfter
	CodeStoreUnavailable   = "store_unavailable"     // unavailable: the database cannot be reached; RetryAfter
	CodeStoreFull          = "store_full"            // unavailable: the disk is full, writes fail until space is freed; RetryAfter
	CodeStoreBusy          = "store_busy"            // unavailable: the database is locked, contended or overloaded; RetryAfter
	CodeStoreTimeout       = "store_timeout"         // unavailable: the database did not answer within the query timeout; RetryAfter
	CodeRateLimited        = "rate_limited"          // rate_limited; RetryAfter
	CodeRefreshInvalid     = "refresh_token_invalid" // unauthenticated: unknown, expired or revoked refresh token
	CodeRefreshReuse       = "refresh_token_reused"  // unauthenticated: a rotated token came back; its session was revoked
	CodeStateInvalid       = "state_invalid"
	CodeInternal           = "internal"

	CodeMFARequired            = "mfa_required"             // unauthenticated; Error.MFAID names the challenge
	CodeMFAInvalid             = "mfa_invalid"              // invalid: unknown or expired challenge
	CodeMFAUserMismatch        = "mfa_user_mismatch"        // invalid: the challenge is another user's
	CodeMFASameMethod          = "mfa_same_method"          // invalid: the second factor repeats the first
	CodeMFAAuthenticatorNeeded = "mfa_authenticator_needed" // invalid: the user has an authenticator app, which must be one factor

	CodeOTPDisabled = "otp_disabled"          // forbidden
	CodeOTPInvalid  = "otp_invalid"           // invalid
	CodeOTPTooMany  = "otp_too_many_attempts" // rate_limited; RetryAfter

	CodeTOTPInvalid        = "totp_invalid"           // invalid: wrong, reused or expired code
	CodeTOTPEnabled        = "totp_already_enabled"   // invalid
	CodeTOTPNeedsVerified  = "totp_needs_verified"    // invalid: verify the email first
	CodeTOTPNoEnrollment   = "totp_no_enrollment"     // invalid: nothing pending to confirm
	CodeTOTPNotEnabled     = "totp_not_enabled"       // invalid
	CodeTOTPTooManyAttempt = "totp_too_many_attempts" // rate_limited; RetryAfter

	CodeOAuthDisabled = "oauth2_disabled"     // forbidden
	CodeOAuthToken    = "oauth2_token_failed" // invalid: the provider refused the code
	CodeOAuthUser     = "oauth2_user_failed"  // invalid: the provider's user could not be read
	CodeOAuthFailed   = "oauth2_failed"       // invalid: the provider account cannot be used here

	CodeRedirectDenied = "redirect_not_allowed" // forbidden: a redirect URI the surface's allow list does not hold (RedirectAllowList)

	// CodeRequestTimeout is not core's to return: httpapi's Renderer
	// answers with it when a request ran out of http.handler_timeout.
	CodeRequestTimeout = "request_timeout" // unavailable: the request took longer than allowed; RetryAfter

	CodeEmailNotVerified   = "email_not_verified"        // forbidden: a login of an unverified user where the profile requires verification
	CodeAlreadyInitialized = "already_initialized"       // forbidden: a first-user registration in a collection that has users
	CodeReauthRequired     = "reauthentication_required" // forbidden: the flow needs a token minted by a fresh login (Profile.RequireFresh), not a renewed one

	// Conduit's mail flows (issue 18).
	CodePasswordUnchanged       = "password_unchanged"                  // forbidden: a reset to the current password, where the profile refuses it
	CodeVerificationCodeInvalid = "verification_code_invalid"           // invalid: a wrong, expired, used or malformed emailed verification code
	CodeVerificationCodeTooMany = "verification_code_too_many_attempts" // rate_limited: too many tries of the user's codes; RetryAfter
)

// Field error codes: what is wrong with one input field. The comment
// names the parameters.
const (
	FieldRequired           = "required"
	FieldIsEmail            = "is_email"
	FieldLengthOutOfRange   = "length_out_of_range" // min, max
	FieldInInvalid          = "in_invalid"          // not one of the allowed values
	FieldNotInInvalid       = "not_in_invalid"      // one of the refused values
	FieldValuesMismatch     = "values_mismatch"
	FieldNotUnique          = "not_unique"
	FieldPasswordTooShort   = "password_too_short" // min
	FieldPasswordTooLong    = "password_too_long"  // max
	FieldMaxText            = "max_text"           // max
	FieldMinValue           = "min_value"          // threshold
	FieldInvalidOldPassword = "invalid_old_password"
	FieldInvalidPassword    = "invalid_password"
	FieldInvalidNewEmail    = "invalid_new_email"
	FieldInvalidToken       = "invalid_token"
	FieldTokenCollection    = "token_collection_mismatch"
	FieldTokenClaims        = "token_claims_missing"
	FieldTokenEmailMismatch = "token_email_mismatch"
	FieldTokenPayload       = "token_payload_invalid"
	FieldTokenEmail         = "token_email_taken"
	FieldInvalidProvider    = "invalid_provider" // provider
	FieldUnknown            = "unknown_field"
	FieldInvalidUTF8        = "invalid_utf8"
	FieldControlChars       = "control_characters"
	FieldInvalidFormat      = "invalid_format"
	FieldFileUpload         = "file_upload"
	FieldInvalidDocument    = "invalid_document" // reason (a Doc* constant), max for too_large
)

// Codes returns every error code, for tests that keep docs and surface
// tables complete.
func Codes() []string {
	return []string{
		CodeValidation, CodeInvalidCredentials, CodeAccountLocked, CodeAuthRequired, CodeCollectionMismatch,
		CodeSuperuserRequired, CodeRecordsRestricted, CodeUserSuspended, CodeNotFound, CodePasswordAuthOff, CodeSuperuserVerified,
		CodeSuperuserEmail, CodeLastSuperuser, CodeLastLoginMethod, CodeInvalidFilter, CodeInvalidSort,
		CodeInvalidAuditQuery, CodeHashingBusy, CodeHashingInterrupted, CodeStoreUnavailable,
		CodeStoreFull, CodeStoreBusy, CodeStoreTimeout, CodeRateLimited,
		CodeRefreshInvalid, CodeRefreshReuse, CodeStateInvalid, CodeInternal,
		CodeMFARequired, CodeMFAInvalid, CodeMFAUserMismatch, CodeMFASameMethod, CodeMFAAuthenticatorNeeded,
		CodeOTPDisabled, CodeOTPInvalid, CodeOTPTooMany,
		CodeTOTPInvalid, CodeTOTPEnabled, CodeTOTPNeedsVerified, CodeTOTPNoEnrollment, CodeTOTPNotEnabled,
		CodeTOTPTooManyAttempt,
		CodeOAuthDisabled, CodeOAuthToken, CodeOAuthUser, CodeOAuthFailed, CodeRedirectDenied,
		CodeRequestTimeout,
		CodeEmailNotVerified, CodeAlreadyInitialized, CodeReauthRequired,
		CodePasswordUnchanged, CodeVerificationCodeInvalid, CodeVerificationCodeTooMany,
	}
}

// FieldCodes returns every field error code.
func FieldCodes() []string {
	return []string{
		FieldRequired, FieldIsEmail, FieldLengthOutOfRange, FieldInInvalid, FieldNotInInvalid,
		FieldValuesMismatch, FieldNotUnique, FieldPasswordTooShort, FieldPasswordTooLong, FieldMaxText,
		FieldMinValue, FieldInvalidOldPassword, FieldInvalidPassword, FieldInvalidNewEmail, FieldInvalidToken,
		FieldTokenCollection, FieldTokenClaims, FieldTokenEmailMismatch, FieldTokenPayload, FieldTokenEmail,
		FieldInvalidProvider, FieldUnknown, FieldInvalidUTF8, FieldControlChars, FieldInvalidFormat,
		FieldFileUpload, FieldInvalidDocument,
	}
}
