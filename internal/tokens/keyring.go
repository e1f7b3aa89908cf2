// Package tokens is Ed25519-signed JWTs and the JWKS document.
//
// A Keyring holds the server's signing keys as they are stored in the
// database. It signs with the newest key that has not been retired,
// verifies with any key it holds (so tokens signed before a rotation keep
// working until they expire), and publishes every public key as a JWKS
// document for services that verify our tokens offline.
//
// Verification is deliberately narrow: the only algorithm is EdDSA and the
// key is chosen by kid from the ring, never from anything else in the
// token, so algorithm-confusion and key-injection tricks have nothing to
// work with.
package tokens

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Algorithm is the JWS alg of every key and token: Ed25519 (RFC 8037).
const Algorithm = "EdDSA"

// maxKeyIDLen bounds a stored kid; ours are 22 characters.
const maxKeyIDLen = 128

// Keyring signs and verifies tokens with a set of Ed25519 keys. It is safe
// for concurrent use; Reload swaps the whole set at once.
type Keyring struct {
	state  atomic.Pointer[ring]
	reload reloader
}

var _ core.Signer = (*Keyring)(nil)

// ring is one immutable snapshot of the keys.
type ring struct {
	keys   []*key // newest first
	byID   map[string]*key
	signer *key
	// header is the encoded JWS header for signer, built once.
	header string
	jwks   []byte
	// verified caches signature checks made with this snapshot's keys.
	verified *verifiedCache
}

type key struct {
	id      string
	public  ed25519.PublicKey
	private ed25519.PrivateKey
	created time.Time
	retired bool
}

// Generate makes a new Ed25519 signing key whose kid is 128 random bits,
// base64url-encoded (22 characters).
func Generate(now time.Time) (core.SigningKey, error) {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		return core.SigningKey{}, fmt.Errorf("tokens: generate key: %v", err)
	}
	id := make([]byte, 16)
	rand.Read(id)
	return core.SigningKey{
		ID:        base64.RawURLEncoding.EncodeToString(id),
		Algorithm: Algorithm,
		Private:   priv.Seed(),
		Public:    pub,
		Created:   now,
	}, nil
}

// NewKeyring builds a ring from stored keys. It refuses an empty set, a
// set with no unretired key to sign with, duplicate kids, and any key
// that is not a well-formed Ed25519 key whose public half matches its
// seed: a damaged key must stop startup, not produce tokens nobody can
// verify.
func NewKeyring(keys []core.SigningKey) (*Keyring, error) {
	r, err := newRing(keys)
	if err != nil {
		return nil, err
	}
	kr := &Keyring{}
	kr.state.Store(r)
	return kr, nil
}

func newRing(keys []core.SigningKey) (*ring, error) {
	if len(keys) == 0 {
		return nil, errors.New("tokens: no signing keys")
	}
	r := &ring{byID: make(map[string]*key, len(keys)), verified: &verifiedCache{}}
	for _, sk := range keys {
		k, err := parseKey(sk)
		if err != nil {
			return nil, err
		}
		if r.byID[k.id] != nil {
			return nil, fmt.Errorf("tokens: duplicate key id %q", k.id)
		}
		r.byID[k.id] = k
		r.keys = append(r.keys, k)
	}
	// Newest first; equal times fall back to the kid so every node that
	// loads the same rows picks the same signer.
	slices.SortFunc(r.keys, func(a, b *key) int {
		if c := b.created.Compare(a.created); c != 0 {
			return c
		}
		return strings.Compare(b.id, a.id)
	})
	for _, k := range r.keys {
		if !k.retired {
			r.signer = k
			break
		}
	}
	if r.signer == nil {
		return nil, errors.New("tokens: every signing key is retired")
	}
	h, err := json.Marshal(header{Alg: Algorithm, Kid: r.signer.id, Typ: "JWT"})
	if err != nil {
		return nil, fmt.Errorf("tokens: encode header: %v", err)
	}
	r.header = base64.RawURLEncoding.EncodeToString(h)
	r.jwks = buildJWKS(r.keys)
	return r, nil
}

func parseKey(sk core.SigningKey) (*key, error) {
	switch {
	case sk.ID == "" || len(sk.ID) > maxKeyIDLen:
		return nil, fmt.Errorf("tokens: key id must be 1 to %d characters", maxKeyIDLen)
	case sk.Algorithm != Algorithm:
		return nil, fmt.Errorf("tokens: key %q: unsupported algorithm %q", sk.ID, sk.Algorithm)
	case len(sk.Private) != ed25519.SeedSize || len(sk.Public) != ed25519.PublicKeySize:
		return nil, fmt.Errorf("tokens: key %q: bad Ed25519 key length", sk.ID)
	}
	priv := ed25519.NewKeyFromSeed(sk.Private)
	pub := priv.Public().(ed25519.PublicKey)
	if !bytes.Equal(pub, sk.Public) {
		return nil, fmt.Errorf("tokens: key %q: public key does not match private key", sk.ID)
	}
	return &key{id: sk.ID, public: pub, private: priv, created: sk.Created, retired: !sk.RetiredAt.IsZero()}, nil
}

// LoadOrCreate loads the stored keys and builds a ring. When there is no
// key to sign with (a fresh database, or every key retired) it generates
// one, stores it and loads again, so two processes starting together each
// end up with a ring of keys that are really in the store.
func LoadOrCreate(ctx context.Context, store core.KeyStore, now time.Time) (*Keyring, error) {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("tokens: load keys: %w", err)
	}
	if !slices.ContainsFunc(keys, func(k core.SigningKey) bool { return k.RetiredAt.IsZero() }) {
		k, err := Generate(now)
		if err != nil {
			return nil, err
		}
		if err := store.InsertSigningKey(ctx, k); err != nil {
			return nil, fmt.Errorf("tokens: store new key: %w", err)
		}
		if keys, err = store.SigningKeys(ctx); err != nil {
			return nil, fmt.Errorf("tokens: reload keys: %w", err)
		}
	}
	return NewKeyring(keys)
}

// Reload reads the keys from store again and swaps them in, so a node
// learns of keys that another node (or `keys rotate`) added. On error the
// current keys stay in use.
func (kr *Keyring) Reload(ctx context.Context, store core.KeyStore) error {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return fmt.Errorf("tokens: load keys: %w", err)
	}
	r, err := newRing(keys)
	if err != nil {
		return err
	}
	kr.state.Store(r)
	return nil
}

// KeyIDs returns the kid of every key in the ring, newest first.
func (kr *Keyring) KeyIDs() []string {
	r := kr.state.Load()
	ids := make([]string, len(r.keys))
	for i, k := range r.keys {
		ids[i] = k.id
	}
	return ids
}

// jwk is one public key in a JWKS document (RFC 8037 OKP key). Fields are
// in alphabetical order, which is the order they are written in.
type jwk struct {
	Alg string `json:"alg"`
	Crv string `json:"crv"`
	Kid string `json:"kid"`
	Kty string `json:"kty"`
	Use string `json:"use"`
	X   string `json:"x"`
}

func buildJWKS(keys []*key) []byte {
	doc := struct {
		Keys []jwk `json:"keys"`
	}{Keys: make([]jwk, len(keys))}
	for i, k := range keys {
		doc.Keys[i] = jwk{Alg: Algorithm, Crv: "Ed25519", Kid: k.id, Kty: "OKP", Use: "sig",
			X: base64.RawURLEncoding.EncodeToString(k.public)}
	}
	b, _ := json.Marshal(doc) // strings only: cannot fail
	return b
}

// JWKS returns the JSON Web Key Set of every key in the ring, retired ones
// included (tokens they signed are still valid), newest first.
func (kr *Keyring) JWKS() []byte { return bytes.Clone(kr.state.Load().jwks) }
