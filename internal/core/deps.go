package core

import (
	"context"
	"strings"
)

// Hasher hashes and verifies passwords. Implementations bound the work
// they run at once; when they are saturated they return an *Error of kind
// KindUnavailable with RetryAfter set.
type Hasher interface {
	// Hash returns an encoded hash of password in the current default
	// scheme.
	Hash(ctx context.Context, password string) (string, error)
	// Verify checks password against an encoded hash of any supported
	// scheme. rehash reports that the hash should be replaced by one in
	// the current default scheme.
	Verify(ctx context.Context, encoded, password string) (ok, rehash bool, err error)
	// VerifyDummy costs what a Verify of a real hash costs and always
	// fails; it is run for unknown identities so timing does not reveal
	// who has an account.
	VerifyDummy(ctx context.Context, password string) error
}

// Signer signs and verifies JWTs with the server's asymmetric keys.
// Access tokens are signed with its default algorithm (EdDSA); a feature
// that lets the reader choose the algorithm (an OpenID Connect ID token)
// asks the implementation for it directly rather than through this
// interface.
type Signer interface {
	// Sign returns a compact JWS of claims, signed with the current key.
	Sign(claims map[string]any) (string, error)
	// SignAccess signs an access token's claims: the token Sign makes of
	// the same claims in a map, without building one (every refresh
	// signs an access token). Extra claims follow the standard ones in
	// the order given; an extra claim whose name is reserved (see
	// ReservedClaim) or repeated, or whose value does not encode as
	// JSON, is an error, never a silent overwrite.
	SignAccess(c AccessClaims) (string, error)
	// Verify checks the token's header (only the algorithm of the key its
	// kid names, which must be a key the server holds) and signature, and
	// returns its claims. It does not check expiry or type: core does.
	Verify(token string) (map[string]any, error)
	// VerifyAccess checks a token as Verify does and returns what
	// Authenticate reads of its claims: AccessViewOf(claims) of the claims
	// Verify would return. It runs on every authenticated request, so an
	// implementation may remember the view of a token whose signature it
	// has checked (or that it signed itself) instead of checking and
	// decoding it again.
	VerifyAccess(token string) (AccessView, error)
}

// AccessClaims are the claims of an access token. Their JSON is what
// every surface's clients decode: PocketBase's id, collectionId, type
// ("auth"), refreshable and exp, plus the standard sub (the user id
// again), sid, iat and iss (omitted when empty), then any Extra.
type AccessClaims struct {
	UserID, CollectionID, SessionID, Issuer string
	IssuedAt, Expires                       int64
	Refreshable                             bool
	// Extra are claims a surface adds for its own clients (Payload's
	// collection and email, AccountMaker's acc, role and app); nil for
	// the tokens every surface shares today.
	Extra []Claim
}

// Claim is one extra access-token claim. Value is encoded as
// encoding/json encodes it.
type Claim struct {
	Name  string
	Value any
}

// reservedClaims are the names access tokens carry themselves or that
// JWT (RFC 7519) gives a meaning: an extra claim must not shadow them.
var reservedClaims = [...]string{
	"sub", "id", "collectionId", "type", "refreshable", "sid", "iat", "exp", "iss", "nbf", "aud", "jti",
}

// ReservedClaim reports whether name may not be an extra claim: it is
// empty or a standard claim's name in any letter case (Go's encoding/json
// and other decoders match names to fields case-insensitively, so "SUB"
// could be read as "sub").
func ReservedClaim(name string) bool {
	if name == "" {
		return true
	}
	for _, r := range reservedClaims {
		if strings.EqualFold(name, r) {
			return true
		}
	}
	return false
}
