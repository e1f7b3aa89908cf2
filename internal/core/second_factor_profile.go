package core

import "fmt"

// SecondFactorProfile is how a surface's clients pass a second factor and
// manage their authenticator app, for dialects whose flow differs from
// PocketBase's mfaId and Directus's otp-in-login (Conduit's pending
// token and sudo mode). Its zero value is core's default flow.
type SecondFactorProfile struct {
	// PendingToken answers a login (password, magic link or OAuth2) of
	// a user with a confirmed authenticator app with a short-lived pending
	// token (AuthResult.Pending) instead of a CodeMFARequired error. Under
	// MintClaims it says `authorized: false` and `sudo: false`. Only the
	// second-factor flows accept it (AuthenticatePending); Authenticate
	// refuses it with ErrSecondFactorPending as the cause.
	PendingToken bool
	// FreshReplacesProof lets a fresh token (one minted by a credential
	// login, Conduit's sudo) enrol, disable and renew the recovery codes
	// of an authenticator app without the password or a current code:
	// the fresh login was that proof, moments ago.
	FreshReplacesProof bool
	// RecoveryCodes is the format of the recovery codes this surface's
	// flows generate and expect.
	RecoveryCodes RecoveryCodeFormat
}

// validate reports a recovery code format core does not know.
func (p SecondFactorProfile) validate() error {
	if p.RecoveryCodes != RecoveryCodesWords && p.RecoveryCodes != RecoveryCodesDigits {
		return fmt.Errorf("core: profile SecondFactor.RecoveryCodes %d is unknown", p.RecoveryCodes)
	}
	return nil
}
