package core

import "time"

// AccessView is what Authenticate reads of a verified token's claims:
// the few it checks, typed, so the check of every request needs neither
// a map of the claims nor a copy of one. AccessViewOf makes it from the
// claims as Signer.Verify returns them (JSON numbers as float64); a
// claim that is missing or of another JSON type reads as its zero value,
// as it would through a type assertion on the map.
type AccessView struct {
	// Type is the "type" claim; an access token's is "auth".
	Type string
	// UserID, CollectionID and SessionID are "id", "collectionId" and
	// "sid".
	UserID, CollectionID, SessionID string
	// Refreshable is the "refreshable" claim: true only when it is JSON
	// true.
	Refreshable bool
	// HasExp reports an "exp" claim that is a number, Exp.
	HasExp bool
	Exp    float64
	// Nbf is the "nbf" claim: NbfAbsent, NbfNumber (its value in NbfAt)
	// or NbfInvalid (present but not a number, which no token may pass).
	Nbf   NbfState
	NbfAt float64
	// Sudo is the "sudo" claim (SudoClaim): true only when it is JSON
	// true, which only a token minted by a fresh login of a profile with
	// MintClaims carries.
	Sudo bool
}

// NbfState says whether a token has an "nbf" claim and whether it is a
// number.
type NbfState uint8

// The states of a token's "nbf" claim.
const (
	NbfAbsent NbfState = iota
	NbfNumber
	NbfInvalid
)

// AccessViewOf reads an AccessView from verified claims.
func AccessViewOf(claims map[string]any) AccessView {
	v := AccessView{
		Type:         claimString(claims, "type"),
		UserID:       claimString(claims, "id"),
		CollectionID: claimString(claims, "collectionId"),
		SessionID:    claimString(claims, "sid"),
	}
	v.Refreshable, _ = claims["refreshable"].(bool)
	v.Sudo, _ = claims[SudoClaim].(bool)
	v.Exp, v.HasExp = claims["exp"].(float64)
	if nbf, ok := claims["nbf"]; ok {
		v.Nbf = NbfInvalid
		if n, isNum := nbf.(float64); isNum {
			v.Nbf, v.NbfAt = NbfNumber, n
		}
	}
	return v
}

// AccessViewSigned is the view of a token SignAccess signed from c,
// exactly what AccessViewOf reads back from its claims (exp is written
// as an integer and read as the nearest float64, which is what the
// conversion gives; extra claims cannot shadow the standard ones, see
// ReservedClaim), for a signer that remembers the tokens it signs.
func AccessViewSigned(c AccessClaims) AccessView {
	v := AccessView{
		Type: "auth", UserID: c.UserID, CollectionID: c.CollectionID, SessionID: c.SessionID,
		Refreshable: c.Refreshable, HasExp: true, Exp: float64(c.Expires),
	}
	for _, cl := range c.Extra {
		if cl.Name == SudoClaim {
			v.Sudo, _ = cl.Value.(bool)
		}
	}
	return v
}

// live checks exp (required) and nbf (optional) against now.
func (v *AccessView) live(now time.Time) bool {
	secs := float64(now.Unix())
	if !v.HasExp || secs >= v.Exp {
		return false
	}
	switch v.Nbf {
	case NbfInvalid:
		return false
	case NbfNumber:
		return secs >= v.NbfAt
	}
	return true
}
