package conduit

import "github.com/gatehouse/gatehouse/internal/core"

// profile is the surface's policy in core, from its options: Conduit's
// token lifetimes, its `authorized` and `sudo` claims (MintClaims), sudo
// mode for the flows that change how an account is reached or delete it
// (RequireFresh), verification before login when
// local.verification.required, and at once as a replay any second use
// of a renewed refresh token (Conduit deletes it on renew). Emails are
// looked up ignoring case (Conduit lower-cases them), and with
// clients.multiple_user_sessions off a login ends the user's other
// sessions (SingleSession): those of the same client with
// multiple_client_logins (SingleSessionPerClient), every one without.
// With client validation on, tokens are bound to the client that logged
// in (BindClient). Logins and guest mail requests are padded to
// LoginStall.
func (o Options) profile() core.Profile {
	return core.Profile{
		FoldEmailCase:          true,
		SingleSession:          !o.Clients.MultipleUserSessions,
		SingleSessionPerClient: o.Clients.MultipleClientLogins,
		BindClient:             o.Clients.Validation,
		NoReuseGrace:           true,
		MintClaims:             true,
		RequireFresh:           true,
		RequireVerified:        o.Local.Verification.Required,
		// A 2FA user's login answers an `authorized: false` token; sudo
		// replaces the password and codes in the app's flows; back-up
		// codes are Conduit's "1234 5678" (twofa.go).
		SecondFactor: core.SecondFactorProfile{
			PendingToken: true, FreshReplacesProof: true, RecoveryCodes: core.RecoveryCodesDigits,
		},
		Floors: core.TimingFloors{Login: o.LoginStall.Std(), MailRequest: o.LoginStall.Std()},
		Tokens: core.TokenOptions{
			AccessTTL: o.AccessTokens.ExpiryPeriod.Std(), RefreshTTL: o.RefreshTokens.ExpiryPeriod.Std(),
		},
		// The mailed flows: Conduit's resend threshold (for every mail
		// kind), its refusal of the current password as the new one, and
		// the magic link's lifetime (Conduit's never expire).
		ResendThrottle:     o.Local.Verification.ResendThreshold.Std(),
		RefuseSamePassword: true,
		MagicLinkTTL:       o.MagicLink.TTL.Std(),
	}
}
