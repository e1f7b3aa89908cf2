package directus

import "github.com/gatehouse/gatehouse/internal/core"

// profile is the surface's policy in core, from its options: Directus
// looks emails up ignoring case, kills a rotated refresh token at once
// (its second use is a replay), suspends a locked user's sessions (they
// stop refreshing), issues 15-minute access and 7-day refresh tokens, or
// a 24-hour cookie session in session mode, and pads logins, password
// requests and registrations to its stall times. A lock still reads as
// a wrong password at login.
func (o Options) profile() core.Profile {
	return core.Profile{
		FoldEmailCase:       true,
		RefuseLockedRefresh: true,
		NoReuseGrace:        true,
		Tokens: core.TokenOptions{
			AccessTTL: o.AccessTTL.Std(), RefreshTTL: o.RefreshTTL.Std(), SessionTTL: o.SessionTTL.Std(), SessionGrace: o.SessionGrace.Std(),
		},
		Floors: core.TimingFloors{Login: o.LoginStall.Std(), Register: o.RegisterStall.Std(), MailRequest: o.LoginStall.Std()},
	}
}
