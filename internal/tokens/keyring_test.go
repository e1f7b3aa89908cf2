package tokens

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

var t0 = time.Date(2025, 3, 1, 12, 0, 0, 0, time.UTC)

// fixedKey derives a key deterministically from a one-byte seed, so tests
// (and the fuzz corpus) see the same keys every run.
func fixedKey(seed byte, id string, created time.Time) core.SigningKey {
	priv := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	return core.SigningKey{
		ID: id, Algorithm: Algorithm, Private: priv.Seed(),
		Public: priv.Public().(ed25519.PublicKey), Created: created,
	}
}

func mustRing(t testing.TB, keys ...core.SigningKey) *Keyring {
	t.Helper()
	kr, err := NewKeyring(keys)
	if err != nil {
		t.Fatalf("NewKeyring: %v", err)
	}
	return kr
}

func TestGenerate(t *testing.T) {
	t.Parallel()
	a, err := Generate(EdDSA, t0)
	if err != nil {
		t.Fatal(err)
	}
	b, err := Generate(EdDSA, t0)
	if err != nil {
		t.Fatal(err)
	}
	if len(a.ID) < 16 || strings.Trim(a.ID, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") != "" {
		t.Errorf("Generate().ID = %q, want 16+ url-safe characters", a.ID)
	}
	if a.ID == b.ID || bytes.Equal(a.Private, b.Private) {
		t.Errorf("two Generate() calls returned the same kid or seed")
	}
	if a.Algorithm != "EdDSA" || len(a.Private) != 32 || len(a.Public) != 32 || !a.Created.Equal(t0) || !a.RetiredAt.IsZero() {
		t.Errorf("Generate() = alg %q, %d-byte private, %d-byte public, created %v; want EdDSA, 32, 32, %v",
			a.Algorithm, len(a.Private), len(a.Public), a.Created, t0)
	}
	if _, err := NewKeyring([]core.SigningKey{a}); err != nil {
		t.Errorf("NewKeyring(generated key): %v", err)
	}
}

func TestNewKeyringRejects(t *testing.T) {
	t.Parallel()
	good := fixedKey(1, "k1", t0)
	other := fixedKey(2, "k2", t0)
	edit := func(f func(k *core.SigningKey)) core.SigningKey {
		k := good
		f(&k)
		return k
	}
	tests := []struct {
		name string
		keys []core.SigningKey
	}{
		{"empty", nil},
		{"unknown-alg", []core.SigningKey{edit(func(k *core.SigningKey) { k.Algorithm = "ES256" })}},
		{"ed25519-bytes-as-rs256", []core.SigningKey{edit(func(k *core.SigningKey) { k.Algorithm = "RS256" })}},
		{"ed25519-spelling", []core.SigningKey{edit(func(k *core.SigningKey) { k.Algorithm = "Ed25519" })}},
		{"short-private", []core.SigningKey{edit(func(k *core.SigningKey) { k.Private = k.Private[:31] })}},
		{"full-private-key", []core.SigningKey{edit(func(k *core.SigningKey) {
			k.Private = ed25519.NewKeyFromSeed(k.Private)
		})}},
		{"short-public", []core.SigningKey{edit(func(k *core.SigningKey) { k.Public = k.Public[:16] })}},
		{"mismatched-public", []core.SigningKey{edit(func(k *core.SigningKey) { k.Public = other.Public })}},
		{"empty-id", []core.SigningKey{edit(func(k *core.SigningKey) { k.ID = "" })}},
		{"duplicate-id", []core.SigningKey{good, edit(func(k *core.SigningKey) { *k = fixedKey(3, "k1", t0) })}},
		{"all-retired", []core.SigningKey{edit(func(k *core.SigningKey) { k.RetiredAt = t0 })}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewKeyring(tt.keys); err == nil {
				t.Errorf("NewKeyring() succeeded, want error")
			}
		})
	}
}

func TestRetiredKeyVerifiesButDoesNotSign(t *testing.T) {
	t.Parallel()
	active := fixedKey(1, "active", t0)
	retired := fixedKey(2, "retired", t0.Add(time.Hour)) // newer, but retired
	retired.RetiredAt = t0.Add(2 * time.Hour)
	older := fixedKey(3, "older", t0.Add(-time.Hour))
	kr := mustRing(t, older, retired, active)

	tok, err := kr.Sign(map[string]any{"sub": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if got := headerOf(t, tok)["kid"]; got != "active" {
		t.Errorf("Sign used kid %v, want the newest unretired key %q", got, "active")
	}
	old := forge(retired, `{"alg":"EdDSA","kid":"retired","typ":"JWT"}`, `{"sub":"u1"}`)
	if _, err := kr.Verify(old); err != nil {
		t.Errorf("Verify(token signed by retired key) = %v, want nil", err)
	}
	if diff := cmp.Diff([]string{"retired", "active", "older"}, kr.KeyIDs()); diff != "" {
		t.Errorf("KeyIDs() mismatch (-want +got):\n%s", diff)
	}
}

// fakeKeyStore is an in-memory core.KeyStore.
type fakeKeyStore struct {
	mu      sync.Mutex
	keys    []core.SigningKey
	inserts int
	err     error
}

func (s *fakeKeyStore) SigningKeys(context.Context) ([]core.SigningKey, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.err != nil {
		return nil, s.err
	}
	out := slices.Clone(s.keys)
	slices.SortFunc(out, func(a, b core.SigningKey) int { return b.Created.Compare(a.Created) })
	return out, nil
}

func (s *fakeKeyStore) InsertSigningKey(_ context.Context, k core.SigningKey) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.keys = append(s.keys, k)
	s.inserts++
	return nil
}

func TestLoadOrCreate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &fakeKeyStore{}
	first, err := LoadOrCreate(ctx, store, t0)
	if err != nil {
		t.Fatalf("first LoadOrCreate: %v", err)
	}
	second, err := LoadOrCreate(ctx, store, t0.Add(time.Hour))
	if err != nil {
		t.Fatalf("second LoadOrCreate: %v", err)
	}
	if store.inserts != 1 {
		t.Errorf("inserts = %d, want 1", store.inserts)
	}
	if diff := cmp.Diff(first.KeyIDs(), second.KeyIDs()); diff != "" || len(first.KeyIDs()) != 1 {
		t.Errorf("rings differ or hold %d keys (-first +second):\n%s", len(first.KeyIDs()), diff)
	}
	tok, err := first.Sign(map[string]any{"sub": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Verify(tok); err != nil {
		t.Errorf("second ring rejects first ring's token: %v", err)
	}

	t.Run("all-retired", func(t *testing.T) {
		t.Parallel()
		old := fixedKey(1, "old", t0)
		old.RetiredAt = t0
		store := &fakeKeyStore{keys: []core.SigningKey{old}}
		kr, err := LoadOrCreate(ctx, store, t0.Add(time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		if ids := kr.KeyIDs(); store.inserts != 1 || len(ids) != 2 || ids[1] != "old" {
			t.Errorf("after LoadOrCreate: %d inserts, ring %v; want 1 insert and a new key before %q", store.inserts, ids, "old")
		}
	})
	t.Run("store-error", func(t *testing.T) {
		t.Parallel()
		boom := errors.New("boom")
		if _, err := LoadOrCreate(ctx, &fakeKeyStore{err: boom}, t0); !errors.Is(err, boom) {
			t.Errorf("LoadOrCreate error = %v, want it to wrap the store's", err)
		}
	})
}

func TestReload(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	store := &fakeKeyStore{keys: []core.SigningKey{fixedKey(1, "one", t0)}}
	kr, err := LoadOrCreate(ctx, store, t0)
	if err != nil {
		t.Fatal(err)
	}
	before, _ := kr.Sign(map[string]any{"n": 1})
	store.InsertSigningKey(ctx, fixedKey(2, "two", t0.Add(time.Hour)))
	if err := kr.Reload(ctx, store); err != nil {
		t.Fatalf("Reload: %v", err)
	}
	after, _ := kr.Sign(map[string]any{"n": 2})
	if got := headerOf(t, after)["kid"]; got != "two" {
		t.Errorf("after Reload Sign used kid %v, want %q", got, "two")
	}
	if _, err := kr.Verify(before); err != nil {
		t.Errorf("token from before Reload no longer verifies: %v", err)
	}

	store.err = errors.New("down")
	if err := kr.Reload(ctx, store); err == nil {
		t.Errorf("Reload with failing store = nil, want error")
	}
	if _, err := kr.Verify(after); err != nil {
		t.Errorf("failed Reload dropped the current keys: %v", err)
	}
}

func TestJWKS(t *testing.T) {
	t.Parallel()
	a, b := fixedKey(1, "a", t0), fixedKey(2, "b", t0.Add(time.Minute))
	kr := mustRing(t, a, b)
	var doc struct {
		Keys []map[string]string `json:"keys"`
	}
	raw := kr.JWKS()
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatalf("JWKS() is not JSON: %v\n%s", err, raw)
	}
	want := []map[string]string{
		{"alg": "EdDSA", "crv": "Ed25519", "kid": "b", "kty": "OKP", "use": "sig", "x": base64.RawURLEncoding.EncodeToString(b.Public)},
		{"alg": "EdDSA", "crv": "Ed25519", "kid": "a", "kty": "OKP", "use": "sig", "x": base64.RawURLEncoding.EncodeToString(a.Public)},
	}
	if diff := cmp.Diff(want, doc.Keys); diff != "" {
		t.Errorf("JWKS() keys mismatch (-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(string(raw), `{"keys":[{"alg":"EdDSA","crv":"Ed25519","kid":"b","kty":"OKP","use":"sig","x":"`) {
		t.Errorf("JWKS() = %s, want the documented field order", raw)
	}

	// Verify a token with nothing but the published x and crypto/ed25519.
	tok, err := kr.Sign(map[string]any{"sub": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	x, err := base64.RawURLEncoding.DecodeString(doc.Keys[0]["x"])
	if err != nil || len(x) != ed25519.PublicKeySize {
		t.Fatalf("x does not decode to a public key: %v", err)
	}
	i := strings.LastIndex(tok, ".")
	sig, _ := base64.RawURLEncoding.DecodeString(tok[i+1:])
	if !ed25519.Verify(ed25519.PublicKey(x), []byte(tok[:i]), sig) {
		t.Errorf("published key does not verify a signed token")
	}

	raw[0] = 'X'
	if bytes.Equal(raw, kr.JWKS()) {
		t.Errorf("JWKS() returned shared memory")
	}
}
