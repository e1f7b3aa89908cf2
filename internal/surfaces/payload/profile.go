package payload

import (
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// noWindow stands in for Payload's count of failed logins, which has no
// time window: failures add up until a login succeeds or a lock ends.
const noWindow = 365 * 24 * time.Hour

// profile is the surface's policy in core: Payload looks emails up
// lower-cased, tells a locked account apart (LockedAuth) and locks after
// MaxLoginAttempts for LockTime, issues TokenExpiration-long tokens
// carrying `collection` (the slug) and `email`, and with Verify refuses
// unverified logins.
func (o Options) profile(slugOf func(c *core.Collection) string) core.Profile {
	stall := o.LoginStall.Std()
	return core.Profile{
		FoldEmailCase:   true,
		DiscloseLockout: true,
		RequireVerified: o.Verify,
		Tokens:          core.TokenOptions{AccessTTL: o.TokenExpiration.Std(), SessionTTL: o.TokenExpiration.Std()},
		Floors:          core.TimingFloors{Login: stall, Register: stall, MailRequest: stall},
		Lockout: &core.LockoutPolicy{
			MaxFailures: o.MaxLoginAttempts, Window: noWindow, Duration: o.LockTime.Std(),
		},
		Claims: []core.AccessClaim{
			{Name: "collection", Value: func(c *core.Collection, _ core.User) any { return slugOf(c) }},
			{Name: "email", Value: func(_ *core.Collection, u core.User) any { return u.Email }},
		},
	}
}
