package core

import "time"

// LoginState tracks failed password attempts for one user, for lockout.
type LoginState struct {
	UserID string
	// Failures counts failed attempts since FirstFailure.
	Failures     int
	FirstFailure time.Time
	// LockedUntil, when in the future, refuses every login.
	LockedUntil time.Time
}

// LockoutPolicy locks an account after MaxFailures failed password
// attempts within Window, for Duration. MaxFailures 0 disables lockout.
type LockoutPolicy struct {
	MaxFailures int
	Window      time.Duration
	Duration    time.Duration
}
