package core

import "time"

// Session is one login on one device. Every access token names its session
// (`sid`), and a token is only valid while its session is.
type Session struct {
	ID           string
	UserID       string
	CollectionID string
	Created      time.Time
	LastUsed     time.Time
	Expires      time.Time
	IP           string
	UserAgent    string

	// AMR lists the authentication methods used (RFC 8176 names where one
	// fits: "pwd", "otp", "mfa"; "impersonate" for superuser
	// impersonation).
	AMR []string

	// AAL is the authenticator assurance level: 1 for one factor, 2 when
	// a second, different factor was used (MFA).
	AAL int

	// ImpersonatorID is the superuser who opened an impersonation session.
	ImpersonatorID string

	// Client is the app client that opened the session (Client.App:
	// Conduit's clientid, or its anonymous-client), "" for surfaces
	// without clients.
	Client string

	RevokedAt     time.Time
	RevokedReason string
}

// SessionSpan is what a listing of a user's live sessions shows of each
// (Payload's `sessions`): its id and lifetime. Reading only these keeps
// a listing that every me and refresh makes from decoding whole rows.
type SessionSpan struct {
	ID      string
	Created time.Time
	Expires time.Time
}

// Active reports whether the session can still authenticate requests.
func (s Session) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.Expires)
}

// Session revocation reasons, kept with the session for the audit trail.
const (
	RevokedPasswordChanged = "password_changed"
	RevokedEmailChanged    = "email_changed"
	RevokedPasswordReset   = "password_reset"
)
