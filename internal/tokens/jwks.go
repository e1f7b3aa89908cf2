package tokens

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"math/big"
)

// jwk is one public key in a JWKS document: an OKP key (RFC 8037: crv,
// x) or an RSA key (RFC 7518: n, e). Fields are in alphabetical order,
// which is the order they are written in; the members of the other kind
// are omitted, so an Ed25519 key is written as it was before RSA keys
// existed.
type jwk struct {
	Alg string `json:"alg"`
	Crv string `json:"crv,omitempty"`
	E   string `json:"e,omitempty"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	N   string `json:"n,omitempty"`
	Use string `json:"use"`
	X   string `json:"x,omitempty"`
}

func buildJWKS(keys []*key) []byte {
	doc := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, len(keys))}
	enc := base64.RawURLEncoding
	for i, k := range keys {
		j := jwk{Alg: k.alg, Kid: k.id, Use: "sig"}
		if k.rsa != nil {
			// Unsigned big-endian integers without leading zeros
			// (RFC 7518, section 6.3.1): 65537 is "AQAB".
			j.Kty, j.N = "RSA", enc.EncodeToString(k.rsa.N.Bytes())
			j.E = enc.EncodeToString(big.NewInt(int64(k.rsa.E)).Bytes())
		} else {
			j.Kty, j.Crv, j.X = "OKP", "Ed25519", enc.EncodeToString(k.public)
		}
		doc.Keys[i] = j
	}
	b, _ := json.Marshal(doc) // strings only: cannot fail
	return b
}

// JWKS returns the JSON Web Key Set of every key in the ring, retired ones
// included (tokens they signed are still valid), newest first.
func (kr *Keyring) JWKS() []byte { return bytes.Clone(kr.state.Load().jwks) }
