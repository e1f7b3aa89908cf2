package core

import (
	"fmt"
	"strings"
)

// SecondFactorProfile is how a surface's clients pass a second factor and
// manage their authenticator app, for dialects whose flow differs from
// PocketBase's mfaId and Directus's otp-in-login (Conduit's pending
// token and sudo mode). Its zero value is core's default flow.
type SecondFactorProfile struct {
	// PendingToken answers a login (password or OAuth2) of a user with a
	// confirmed authenticator app with a short-lived pending token
	// (AuthResult.Pending) instead of a CodeMFARequired error. Only the
	// second-factor flows accept it (AuthenticatePending); Authenticate
	// refuses it with ErrSecondFactorPending as the cause.
	PendingToken bool
	// PendingClaims are added to pending tokens, after the standard ones
	// (Conduit's clients read `authorized: false` there). Their names
	// follow Profile.Claims' rules.
	PendingClaims []AccessClaim
	// FreshReplacesProof lets a fresh token (one minted by a credential
	// login, Conduit's sudo) enrol, disable and renew the recovery codes
	// of an authenticator app without the password or a current code:
	// the fresh login was that proof, moments ago.
	FreshReplacesProof bool
	// RecoveryCodes is the format of the recovery codes this surface's
	// flows generate and expect.
	RecoveryCodes RecoveryCodeFormat
}

// validate reports a claim name that may not be used.
func (p SecondFactorProfile) validate() error {
	seen := map[string]bool{}
	for _, ac := range p.PendingClaims {
		key := strings.ToLower(ac.Name)
		if ReservedClaim(ac.Name) || key == pendingChallengeClaim || key == pendingRefreshClaim || seen[key] || ac.Value == nil {
			return fmt.Errorf("core: profile pending claim %q is reserved, repeated or has no value", ac.Name)
		}
		seen[key] = true
	}
	if p.RecoveryCodes != RecoveryCodesWords && p.RecoveryCodes != RecoveryCodesDigits {
		return fmt.Errorf("core: profile SecondFactor.RecoveryCodes %d is unknown", p.RecoveryCodes)
	}
	return nil
}
