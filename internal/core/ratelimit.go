package core

import "time"

// Action is a class of requests that is rate limited on its own.
type Action string

// Rate-limited actions.
const (
	ActionLogin         Action = "login"
	ActionSignUp        Action = "signup"
	ActionOTP           Action = "otp"
	ActionPasswordReset Action = "password_reset"
	ActionVerification  Action = "verification"
	ActionEmailChange   Action = "email_change"
	ActionRefresh       Action = "refresh"
)

// Limit allows Max requests per Window; Max 0 means unlimited.
type Limit struct {
	Max    int
	Window time.Duration
}

// RateLimit is the pair of limits for one action: per client IP, and per
// identity (the email, user or session the request is about).
type RateLimit struct {
	PerIP       Limit
	PerIdentity Limit
}

// RateLimits maps each action to its limits; a missing action is not
// limited.
type RateLimits map[Action]RateLimit
