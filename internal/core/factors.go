package core

import "time"

// OTP is an emailed one-time code for one user. Only a hash of the code
// is stored; SentTo is the address the mail went to (it proves that
// address when the code is used).
type OTP struct {
	ID           string
	UserID       string
	CollectionID string
	CodeHash     string
	SentTo       string
	Created      time.Time
	Expires      time.Time
}

// MFAChallenge is a login half done: the first method succeeded and a
// second, different one must follow (PocketBase's mfaId).
type MFAChallenge struct {
	ID           string
	UserID       string
	CollectionID string
	// Method is the first method used: "password", "otp", "oauth2".
	Method  string
	Created time.Time
}

// TOTPFactor is a user's authenticator-app secret (RFC 6238). A factor
// is pending from enrolment until confirmed with a first code; only a
// confirmed factor protects logins.
type TOTPFactor struct {
	UserID    string
	Secret    string // base32
	Confirmed bool
	// LastStep is the time step (Unix time / 30 s) of the last accepted
	// code; codes of that step or earlier are refused, so a code cannot
	// be replayed.
	LastStep int64
	Created  time.Time
	Updated  time.Time
}

// RecoveryCode stands in for a TOTP code once. Only its hash is stored.
type RecoveryCode struct {
	ID      string
	UserID  string
	Hash    []byte
	Created time.Time
	UsedAt  time.Time
}

// OTPOptions configure a collection's emailed one-time codes.
type OTPOptions struct {
	Enabled  bool
	Duration time.Duration // how long a code is valid (PocketBase: 180 s)
	Length   int           // digits (PocketBase: 8)
}

// MFAOptions configure a collection's multi-factor logins.
type MFAOptions struct {
	Enabled bool
	// Duration is how long the second step may follow the first
	// (PocketBase: 600 s).
	Duration time.Duration
}
