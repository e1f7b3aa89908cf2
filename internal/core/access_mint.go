package core

// Mint says how a flow minted an access token: what the token can tell
// about the login behind it, for profiles whose clients read it
// (Profile.MintClaims). The zero Mint is a token minted without a fresh
// credential check (a refresh, a session rotation).
type Mint struct {
	// Fresh: minted by a login that checked a credential just now (a
	// password, a code, a provider's answer), not by a refresh. Conduit
	// calls such a token "sudo".
	Fresh bool
}

// The claims MintClaims adds to every access token, after the profile's
// own. Core sets their values; a profile may not name a claim of its own
// like them (Profile.validate).
const (
	// SudoClaim is true on a token minted by a fresh credential check
	// (Mint.Fresh), false on one minted by a refresh. Authenticate reads
	// it back as Principal.Fresh.
	SudoClaim = "sudo"
	// AuthorizedClaim is false while a login still waits for its second
	// factor; true otherwise.
	AuthorizedClaim = "authorized"
)

// mintClaimNames are the claims only core may set.
var mintClaimNames = [...]string{SudoClaim, AuthorizedClaim}

// mintClaim reports whether name is one of the claims core sets itself
// under MintClaims.
func mintClaim(name string) bool {
	for _, n := range mintClaimNames {
		if equalFoldASCII(n, name) {
			return true
		}
	}
	return false
}

// mintClaims returns the claims the profile adds for a token minted as m:
// none unless the profile asks (MintClaims), else authorized and sudo.
func (s *Service) mintClaims(m Mint) []Claim {
	if !s.profile.MintClaims {
		return nil
	}
	return []Claim{{Name: AuthorizedClaim, Value: true}, {Name: SudoClaim, Value: m.Fresh}}
}

// requireFresh refuses a caller whose token was not minted by a fresh
// credential check, when the profile asks (RequireFresh): the flows that
// change how an account is reached (its password, its email, its second
// factor) or delete it call it first, so a stolen refresh token alone
// cannot take the account over. A surface whose profile does not ask is
// unaffected.
func (s *Service) requireFresh(p *Principal) error {
	if !s.profile.RequireFresh || p == nil || p.Fresh {
		return nil
	}
	return NewError(KindForbidden, CodeReauthRequired)
}

// equalFoldASCII compares two claim names ignoring ASCII letter case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}
