package core

import "time"

// SigningKey is an asymmetric key that signs tokens. Keys live in the store
// so every node signs with, and publishes, the same keys.
type SigningKey struct {
	// ID is the JWT `kid`.
	ID string
	// Algorithm is the JWS `alg`, "EdDSA" for Ed25519.
	Algorithm string
	// Private is the key's private material (the Ed25519 seed); Public
	// is the public key.
	Private []byte
	Public  []byte
	Created time.Time
	// RetiredAt is set when a newer key took over signing; a retired key
	// still verifies until the tokens it signed have expired.
	RetiredAt time.Time
}
