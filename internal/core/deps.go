package core

import "context"

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
type Signer interface {
	// Sign returns a compact JWS of claims, signed with the current key.
	Sign(claims map[string]any) (string, error)
	// SignAccess signs an access token's claims: the token Sign makes of
	// the same claims in a map, without building one (every refresh
	// signs an access token).
	SignAccess(c AccessClaims) (string, error)
	// Verify checks the token's header (only the expected asymmetric
	// algorithm, a known kid) and signature, and returns its claims. It
	// does not check expiry or type: core does.
	Verify(token string) (map[string]any, error)
}

// AccessClaims are the claims of an access token. Their JSON is what
// every surface's clients decode: PocketBase's id, collectionId, type
// ("auth"), refreshable and exp, plus the standard sub (the user id
// again), sid, iat and iss (omitted when empty).
type AccessClaims struct {
	UserID, CollectionID, SessionID, Issuer string
	IssuedAt, Expires                       int64
	Refreshable                             bool
}
