package core

import (
	"errors"
	"time"
)

// RefreshToken is one link of a session's refresh-token chain. The token
// itself is an opaque random string the client holds; only its SHA-256 is
// stored. Every use rotates it: the row is marked rotated and names its
// successor, whose value is kept sealed under a key derived from this
// token, so a client that retries within the grace window can be handed
// the same successor again while the database alone cannot reveal it.
type RefreshToken struct {
	ID        string
	SessionID string
	Hash      []byte
	ParentID  string
	Created   time.Time
	Expires   time.Time

	// RotatedAt is set once the token has been used; SuccessorID and
	// SuccessorSealed then describe the token that replaced it.
	RotatedAt       time.Time
	SuccessorID     string
	SuccessorSealed []byte
}

// RefreshRotation is one rotation of a refresh token, written at once by
// RefreshTokenStore.RotateRefresh.
type RefreshRotation struct {
	// TokenID is the token being used; At is when.
	TokenID string
	At      time.Time
	// Child is its successor (Child.SessionID is the session touched);
	// Sealed is the successor's value sealed under the used token.
	Child  RefreshToken
	Sealed []byte
	// SessionExpires, when set, is the least expiry the session keeps
	// afterwards, and its last use becomes At. When zero the session row
	// is left as it is: core records a session's use at most once per
	// touchEvery, so most rotations write only the two token rows.
	SessionExpires time.Time
}

// Check refuses a rotation a store would record wrongly: a zero time
// (its NULL rotated_at would read as "not rotated") or a successor with
// no hash (which would match a lookup of an empty token). Both stores
// call it before they write.
func (r RefreshRotation) Check() error {
	switch {
	case r.At.IsZero():
		return errors.New("core: rotate refresh: zero rotation time")
	case len(r.Child.Hash) == 0:
		return errors.New("core: rotate refresh: empty hash")
	}
	return nil
}

// RefreshUse is what a refresh reads, in one read
// (RefreshTokenStore.RefreshTokenUse): the token, its session, the
// session's user, and when the user's lockout ends (zero when the user
// has no login state).
type RefreshUse struct {
	Token       RefreshToken
	Session     Session
	User        User
	LockedUntil time.Time
}
