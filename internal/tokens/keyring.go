// Package tokens is signed JWTs (Ed25519, and RSA for OpenID Connect)
// and the JWKS document.
//
// A Keyring holds the server's signing keys as they are stored in the
// database. It signs with the newest key of an algorithm that has not been
// retired (EdDSA unless asked otherwise), verifies with any key it holds
// (so tokens signed before a rotation keep working until they expire), and
// publishes every public key as a JWKS document for services that verify
// our tokens offline.
//
// Verification is deliberately narrow: the key is chosen by kid from the
// ring, never from anything else in the token, and the header's alg must
// be that key's own algorithm, so algorithm-confusion and key-injection
// tricks have nothing to work with.
package tokens

import (
	"context"
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

// maxKeyIDLen bounds a stored kid; ours are 22 characters.
const maxKeyIDLen = 128

// Keyring signs and verifies tokens with a set of keys. It is safe for
// concurrent use; Reload swaps the whole set at once.
type Keyring struct {
	state  atomic.Pointer[ring]
	reload reloader
}

var _ core.Signer = (*Keyring)(nil)

// ring is one immutable snapshot of the keys.
type ring struct {
	keys []*key // newest first
	byID map[string]*key
	// signer is the newest unretired EdDSA key, the default; signers
	// holds it and the newest unretired key of every other algorithm.
	signer  *key
	signers []*key
	jwks    []byte
	// verified caches signature checks made with this snapshot's keys.
	verified *verifiedCache
}

// NewKeyring builds a ring from stored keys. It refuses an empty set, a
// set with no unretired EdDSA key to sign with, duplicate kids, and any
// key that is not a well-formed key of a supported algorithm whose public
// half matches its private half: a damaged key must stop startup, not
// produce tokens nobody can verify.
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
		if k.retired || slices.ContainsFunc(r.signers, func(s *key) bool { return s.alg == k.alg }) {
			continue
		}
		h, err := json.Marshal(header{Alg: k.alg, Kid: k.id, Typ: "JWT"})
		if err != nil {
			return nil, fmt.Errorf("tokens: encode header: %v", err)
		}
		k.header = base64.RawURLEncoding.EncodeToString(h)
		r.signers = append(r.signers, k)
		if k.alg == Algorithm {
			r.signer = k
		}
	}
	if r.signer == nil {
		return nil, fmt.Errorf("tokens: no unretired %s key to sign with", Algorithm)
	}
	r.jwks = buildJWKS(r.keys)
	return r, nil
}

// signerFor returns the key that signs alg, or nil.
func (r *ring) signerFor(alg string) *key {
	for _, k := range r.signers {
		if k.alg == alg {
			return k
		}
	}
	return nil
}

// LoadOrCreate loads the stored keys and builds a ring. When there is no
// unretired key of EdDSA, or of one of algs (a fresh database, every key
// retired, or an algorithm asked for the first time), it generates one,
// stores it and loads again, so two processes starting together each end
// up with a ring of keys that are really in the store.
//
// Only EdDSA is created unasked: an RSA key takes a noticeable part of a
// second to generate, so it is made when a caller needs one (`keys rotate
// --alg RS256`, or a feature that signs RS256 passing it here).
func LoadOrCreate(ctx context.Context, store core.KeyStore, now time.Time, algs ...string) (*Keyring, error) {
	keys, err := store.SigningKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("tokens: load keys: %w", err)
	}
	inserted := false
	for _, alg := range append([]string{Algorithm}, algs...) {
		if slices.ContainsFunc(keys, func(k core.SigningKey) bool { return k.Algorithm == alg && k.RetiredAt.IsZero() }) {
			continue
		}
		k, err := Generate(alg, now)
		if err != nil {
			return nil, err
		}
		if err := store.InsertSigningKey(ctx, k); err != nil {
			return nil, fmt.Errorf("tokens: store new key: %w", err)
		}
		keys = append(keys, k)
		inserted = true
	}
	if inserted {
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
