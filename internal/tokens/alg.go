package tokens

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The JWS algorithms (RFC 7518 names) a ring holds keys of. A key signs
// and verifies with its own algorithm only; a token's header must name
// the algorithm of the key its kid picks.
const (
	// EdDSA is Ed25519 (RFC 8037). It signs every token by default.
	EdDSA = "EdDSA"
	// RS256 is RSASSA-PKCS1-v1_5 with SHA-256, the algorithm every
	// OpenID Connect relying party must accept. Its keys are RSA 2048.
	RS256 = "RS256"
)

// Algorithm is the default algorithm: Sign and SignAccess sign with it,
// and a ring must hold an unretired key of it.
const Algorithm = EdDSA

// RSA key sizes. Generated keys have rsaBits; stored keys outside
// [rsaBits, maxRSABits] are refused (a short key is forgeable, a huge one
// makes every verification slow).
const (
	rsaBits    = 2048
	maxRSABits = 8192
)

// ErrUnsupportedAlgorithm is returned for an algorithm the ring cannot
// hold keys of.
var ErrUnsupportedAlgorithm = errors.New("tokens: unsupported algorithm")

// Supported reports whether alg is an algorithm a ring can hold keys of.
func Supported(alg string) bool { return alg == EdDSA || alg == RS256 }

// key is one parsed signing key. Exactly one of the Ed25519 pair and rsa
// is set, as alg says.
type key struct {
	id      string
	alg     string
	public  ed25519.PublicKey
	private ed25519.PrivateKey
	rsa     *rsa.PrivateKey
	created time.Time
	retired bool
	// header is the encoded JWS header this key signs under; it is built
	// for signing keys only.
	header string
}

// Generate makes a new signing key of alg whose kid is 128 random bits,
// base64url-encoded (22 characters). Ed25519 keys store the 32-byte seed
// and public key; RSA keys store PKCS#8 and PKIX DER, which both stores
// keep as bytes like any other key.
func Generate(alg string, now time.Time) (core.SigningKey, error) {
	var private, public []byte
	switch alg {
	case EdDSA:
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			return core.SigningKey{}, fmt.Errorf("tokens: generate key: %v", err)
		}
		private, public = priv.Seed(), pub
	case RS256:
		priv, err := rsa.GenerateKey(rand.Reader, rsaBits)
		if err != nil {
			return core.SigningKey{}, fmt.Errorf("tokens: generate key: %v", err)
		}
		if private, err = x509.MarshalPKCS8PrivateKey(priv); err != nil {
			return core.SigningKey{}, fmt.Errorf("tokens: encode key: %v", err)
		}
		if public, err = x509.MarshalPKIXPublicKey(&priv.PublicKey); err != nil {
			return core.SigningKey{}, fmt.Errorf("tokens: encode key: %v", err)
		}
	default:
		return core.SigningKey{}, fmt.Errorf("%w %q", ErrUnsupportedAlgorithm, alg)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return core.SigningKey{
		ID:        base64.RawURLEncoding.EncodeToString(id),
		Algorithm: alg,
		Private:   private,
		Public:    public,
		Created:   now,
	}, nil
}

// parseKey checks a stored key and parses it: a well-formed key of a
// supported algorithm whose public half matches its private half.
func parseKey(sk core.SigningKey) (*key, error) {
	if sk.ID == "" || len(sk.ID) > maxKeyIDLen {
		return nil, fmt.Errorf("tokens: key id must be 1 to %d characters", maxKeyIDLen)
	}
	k := &key{id: sk.ID, alg: sk.Algorithm, created: sk.Created, retired: !sk.RetiredAt.IsZero()}
	var err error
	switch sk.Algorithm {
	case EdDSA:
		k.private, k.public, err = parseEd25519(sk)
	case RS256:
		k.rsa, err = parseRSA(sk)
	default:
		err = fmt.Errorf("unsupported algorithm %q", sk.Algorithm)
	}
	if err != nil {
		return nil, fmt.Errorf("tokens: key %q: %v", sk.ID, err)
	}
	return k, nil
}

func parseEd25519(sk core.SigningKey) (ed25519.PrivateKey, ed25519.PublicKey, error) {
	if len(sk.Private) != ed25519.SeedSize || len(sk.Public) != ed25519.PublicKeySize {
		return nil, nil, errors.New("bad Ed25519 key length")
	}
	priv := ed25519.NewKeyFromSeed(sk.Private)
	pub := priv.Public().(ed25519.PublicKey)
	if !bytes.Equal(pub, sk.Public) {
		return nil, nil, errors.New("public key does not match private key")
	}
	return priv, pub, nil
}

// parseRSA reads PKCS#8 and PKIX DER (x509 validates the private key's
// parts) and holds the size to [rsaBits, maxRSABits].
func parseRSA(sk core.SigningKey) (*rsa.PrivateKey, error) {
	p, err := x509.ParsePKCS8PrivateKey(sk.Private)
	if err != nil {
		return nil, fmt.Errorf("bad RSA private key: %v", err)
	}
	priv, ok := p.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("private key is a %T, not RSA", p)
	}
	if bits := priv.N.BitLen(); bits < rsaBits || bits > maxRSABits {
		return nil, fmt.Errorf("RSA key of %d bits; want %d to %d", bits, rsaBits, maxRSABits)
	}
	pub, err := x509.ParsePKIXPublicKey(sk.Public)
	if err != nil {
		return nil, fmt.Errorf("bad RSA public key: %v", err)
	}
	if !priv.PublicKey.Equal(pub) {
		return nil, errors.New("public key does not match private key")
	}
	return priv, nil
}

// sigSize is the length of k's signatures.
func (k *key) sigSize() int {
	if k.rsa != nil {
		return k.rsa.Size()
	}
	return ed25519.SignatureSize
}

// signRSA signs input RS256 with k's RSA key. (Ed25519 is signed in
// signObject itself, where the signature can stay on the stack.)
func (k *key) signRSA(input []byte) ([]byte, error) {
	h := sha256.Sum256(input)
	return rsa.SignPKCS1v15(nil, k.rsa, crypto.SHA256, h[:])
}

// verify checks sig over input with k's algorithm. Both are
// deterministic and refuse any but the one valid signature (RSA refuses a
// signature of the wrong length or not below the modulus), so a token has
// exactly one accepted form.
func (k *key) verify(input, sig []byte) bool {
	if k.rsa != nil {
		h := sha256.Sum256(input)
		return rsa.VerifyPKCS1v15(&k.rsa.PublicKey, crypto.SHA256, h[:], sig) == nil
	}
	return ed25519.Verify(k.public, input, sig)
}
