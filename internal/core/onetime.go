package core

import "time"

// Purpose says what a one-time token is for.
type Purpose string

// One-time token purposes. The values double as the JWT `type` claim
// PocketBase's SDK reads.
const (
	PurposeVerification  Purpose = "verification"
	PurposePasswordReset Purpose = "passwordReset"
	PurposeEmailChange   Purpose = "emailChange"
	// PurposeMagicLink is a mailed login link (RequestMagicLink).
	PurposeMagicLink Purpose = "magicLink"
	// PurposeVerificationCode is a mailed 4-digit verification code
	// (RequestVerificationCode); its row keeps the code's password hash,
	// not a token's SHA-256.
	PurposeVerificationCode Purpose = "verificationCode"
	// PurposeEmailChangeLink is an email change that the link alone
	// confirms (RequestEmailChangeByLink): a purpose of its own, so a
	// token mailed by the password-confirmed flow can never be used
	// without the password.
	PurposeEmailChangeLink Purpose = "emailChangeLink"
)

// OneTimeToken is a single-use secret mailed to a user. Only a hash of the
// token is stored; the token itself exists only in the mail.
type OneTimeToken struct {
	ID           string
	UserID       string
	CollectionID string
	Purpose      Purpose
	// Hash is the SHA-256 of the token string.
	Hash []byte
	// Email is the address the user had when the token was issued;
	// NewEmail is the requested address for an email change.
	Email    string
	NewEmail string
	Created  time.Time
	Expires  time.Time
	UsedAt   time.Time
}
