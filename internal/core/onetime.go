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
