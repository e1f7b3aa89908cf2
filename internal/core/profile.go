package core

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Profile is one surface's policy: what core does differently for the
// clients of one wire dialect. A surface chooses it once, when it is built
// (Service.WithProfile), so no request can pick another, and every flow
// of the returned Service applies it. Every field's zero value is the
// safe choice: a surface that sets nothing reveals no lock and no
// account, and pads its answers to core's default timing floors.
type Profile struct {
	// FoldEmailCase looks emails up ignoring letter case (Directus's
	// rule); off, only the exact spelling matches (PocketBase's). See
	// userByEmail for what happens when two accounts differ only in case.
	FoldEmailCase bool
	// DiscloseLockout answers a login refused by the lockout with
	// CodeAccountLocked and the time the lock ends. Off, the answer is
	// exactly a wrong password's (no retry-after), so it does not tell
	// that the account exists.
	DiscloseLockout bool
	// RefuseLockedRefresh refuses to refresh a session (refresh token or
	// session rotation) while its user is locked out, with
	// CodeAccountLocked: Directus suspends such a user. The holder of a
	// session learns of the lock, which tells nothing it does not know.
	RefuseLockedRefresh bool
	// NoReuseGrace treats any second use of a rotated refresh token as a
	// replay, however soon it comes (Directus kills a rotated token at
	// once), instead of answering a retry within the server's reuse
	// grace with the same successor.
	NoReuseGrace bool
	// Tokens are the lifetimes this surface issues tokens with; zero
	// fields take the collection's.
	Tokens TokenOptions
	// Floors are the least time the answers that could tell by their
	// timing whether an account exists take; zero fields take core's
	// defaults, NoFloor turns one off.
	Floors TimingFloors
	// Claims are added to every access token the surface's flows sign,
	// after the standard ones (Payload's clients read `collection` and
	// `email`, AccountMaker's `acc`, `role`, `app`). Their names are
	// checked when the profile is applied: a standard claim's name (in
	// any letter case) or a name given twice is refused.
	Claims []AccessClaim
	// Lockout, when set, replaces the server's lockout policy for this
	// surface's logins (Payload's per-collection maxLoginAttempts and
	// lockTime). The lock itself is shared: a user locked through one
	// surface is locked for all, but each surface counts and locks by its
	// own policy. A MaxFailures of 0 turns the lockout off for the surface.
	Lockout *LockoutPolicy
	// RequireVerified refuses a password login of an unverified user of a
	// regular collection with CodeEmailNotVerified, after the password
	// was checked (so the answer tells only the account's owner that it
	// exists): Payload's `verify` option.
	RequireVerified bool
	// MintClaims adds core's own claims to every access token the
	// surface's flows sign: `authorized` and `sudo` (Conduit's, see
	// Mint). Authenticate reads `sudo` back as Principal.Fresh.
	MintClaims bool
	// RequireFresh makes the flows that change how an account is reached
	// or delete it (DeleteUser, a password or email change, the
	// authenticator app's enrolment, removal and recovery codes) refuse a
	// caller whose token was not minted by a fresh credential check
	// (Principal.Fresh), with CodeReauthRequired: Conduit's sudo mode. A
	// renewed token is never fresh.
	RequireFresh bool
	// SingleSession makes every completed login end the user's other
	// sessions (Conduit's clients.multipleUserSessions off): one device
	// at a time.
	SingleSession bool
	// SingleSessionPerClient narrows SingleSession to the sessions of the
	// login's own app client (Client.App; Conduit's
	// clients.multipleClientLogins): another client's, or another
	// surface's, stay.
	SingleSessionPerClient bool
	// BindClient refuses a token whose session another app client opened
	// than the one the request names (Conduit binds tokens to the
	// client), with ErrWrongClient as the cause.
	BindClient bool
	// ResendThrottle, when set, replaces core's resend throttle (two
	// minutes): a mail of one kind (verification link or code, reset
	// link, magic link) asked for again within it is not sent, though the
	// request is answered as if it were (Conduit's resend_threshold).
	ResendThrottle time.Duration
	// RefuseSamePassword refuses, with CodePasswordUnchanged, a password
	// reset to the password the user already has (one more hash, and
	// only a holder of a valid reset token learns anything from it), and
	// a user's password change whose new password is the old one it gives
	// (Conduit's two rules).
	RefuseSamePassword bool
	// MagicLinkTTL is how long a mailed login link (RequestMagicLink)
	// works; zero takes DefaultMagicLinkTTL. Each link works once.
	MagicLinkTTL time.Duration
	// SecondFactor is how the surface's clients pass a second factor and
	// manage their authenticator app (second_factor_profile.go).
	SecondFactor SecondFactorProfile
}

// AccessClaim is one claim a surface adds to its access tokens: a name
// fixed when the surface is built, and its value for a token's user.
type AccessClaim struct {
	Name string
	// Value returns the claim's value for u of c; it must be something
	// encoding/json can encode.
	Value func(c *Collection, u User) any
}

// TimingFloors pad answers to a minimum time, so success, a wrong
// password and an unknown account take as long: the dummy hash makes the
// work alike, the floor hides what is left (a new account's mail, a
// token's write).
type TimingFloors struct {
	// Login pads password logins.
	Login time.Duration
	// Register pads public registration.
	Register time.Duration
	// MailRequest pads the guest "mail me" requests: password reset,
	// verification, one-time code.
	MailRequest time.Duration
}

// NoFloor, as a TimingFloors field, turns that floor off: the surface
// asks explicitly to answer as fast as it can.
const NoFloor time.Duration = -1

// Core's default timing floors, for a profile that leaves a floor zero.
// They are Directus's, the one seed system that pads.
const (
	DefaultLoginFloor       = 500 * time.Millisecond
	DefaultRegisterFloor    = 750 * time.Millisecond
	DefaultMailRequestFloor = 500 * time.Millisecond
)

// maxFloor bounds a floor: answers padded longer tie up connections.
const maxFloor = time.Minute

// WithProfile returns a Service that applies p. It shares everything
// else (store, caches, hasher) with s; s itself is unchanged.
func (s *Service) WithProfile(p Profile) (*Service, error) {
	if err := p.validate(); err != nil {
		return nil, err
	}
	c := *s
	c.profile = p
	return &c, nil
}

// validate reports a profile field out of range.
func (p Profile) validate() error {
	ttls := []struct {
		name string
		d    time.Duration
	}{
		{"Tokens.AccessTTL", p.Tokens.AccessTTL}, {"Tokens.RefreshTTL", p.Tokens.RefreshTTL},
		{"Tokens.SessionTTL", p.Tokens.SessionTTL},
	}
	for _, t := range ttls {
		if t.d != 0 && (t.d < MinTokenTTL || t.d > MaxTokenTTL) {
			return fmt.Errorf("core: profile %s %s is outside %s..%s", t.name, t.d, MinTokenTTL, MaxTokenTTL)
		}
	}
	if p.Tokens.SessionGrace < 0 || p.Tokens.SessionGrace > time.Hour {
		return fmt.Errorf("core: profile Tokens.SessionGrace %s is outside 0..1h", p.Tokens.SessionGrace)
	}
	seen := map[string]bool{}
	for _, ac := range p.Claims {
		key := strings.ToLower(ac.Name)
		if ReservedClaim(ac.Name) || mintClaim(ac.Name) || seen[key] || ac.Value == nil {
			return fmt.Errorf("core: profile claim %q is reserved, repeated or has no value", ac.Name)
		}
		seen[key] = true
	}
	if l := p.Lockout; l != nil && (l.MaxFailures < 0 || (l.MaxFailures > 0 && (l.Window <= 0 || l.Duration <= 0))) {
		return fmt.Errorf("core: profile Lockout needs MaxFailures >= 0 and, when on, a positive Window and Duration")
	}
	if p.ResendThrottle < 0 || p.ResendThrottle > 24*time.Hour {
		return fmt.Errorf("core: profile ResendThrottle %s is outside 0..24h", p.ResendThrottle)
	}
	if p.MagicLinkTTL != 0 && (p.MagicLinkTTL < MinTokenTTL || p.MagicLinkTTL > 7*24*time.Hour) {
		return fmt.Errorf("core: profile MagicLinkTTL %s is outside %s..168h", p.MagicLinkTTL, MinTokenTTL)
	}
	if err := p.SecondFactor.validate(); err != nil {
		return err
	}
	for name, f := range map[string]time.Duration{"Login": p.Floors.Login, "Register": p.Floors.Register, "MailRequest": p.Floors.MailRequest} {
		if f != NoFloor && (f < 0 || f > maxFloor) {
			return fmt.Errorf("core: profile Floors.%s %s is outside 0..%s (or NoFloor)", name, f, maxFloor)
		}
	}
	return nil
}

// floor resolves one timing floor: zero is def, NoFloor none.
func floor(f, def time.Duration) time.Duration {
	switch {
	case f == 0:
		return def
	case f < 0:
		return 0
	}
	return f
}

// pad returns a function that, deferred by a flow, waits until d has
// passed since pad was called (or the request is gone). It measures wall
// time, not the service clock: what a client can time is real.
func pad(ctx context.Context, d time.Duration) func() {
	if d <= 0 {
		return func() {}
	}
	start := time.Now()
	return func() {
		wait := d - time.Since(start)
		if wait <= 0 {
			return
		}
		t := time.NewTimer(wait)
		defer t.Stop()
		select {
		case <-t.C:
		case <-ctx.Done():
		}
	}
}

// Padding of this service's timed flows, by its profile.
func (s *Service) padLogin(ctx context.Context) func() {
	return pad(ctx, floor(s.profile.Floors.Login, DefaultLoginFloor))
}

func (s *Service) padRegister(ctx context.Context) func() {
	return pad(ctx, floor(s.profile.Floors.Register, DefaultRegisterFloor))
}

func (s *Service) padMailRequest(ctx context.Context) func() {
	return pad(ctx, floor(s.profile.Floors.MailRequest, DefaultMailRequestFloor))
}
