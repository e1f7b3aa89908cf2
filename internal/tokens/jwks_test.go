package tokens

import (
	"context"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	jose "github.com/go-jose/go-jose/v4"
	"github.com/google/go-cmp/cmp"
)

// TestJWKSEd25519OnlyBytes pins the document of an Ed25519-only ring byte
// for byte: RSA support must not change what existing deployments publish.
func TestJWKSEd25519OnlyBytes(t *testing.T) {
	t.Parallel()
	a, b := fixedKey(1, "a", t0), fixedKey(2, "b", t0.Add(time.Minute))
	want := `{"keys":[` +
		`{"alg":"EdDSA","crv":"Ed25519","kid":"b","kty":"OKP","use":"sig","x":"` + b64.EncodeToString(b.Public) + `"},` +
		`{"alg":"EdDSA","crv":"Ed25519","kid":"a","kty":"OKP","use":"sig","x":"` + b64.EncodeToString(a.Public) + `"}]}`
	if got := string(mustRing(t, a, b).JWKS()); got != want {
		t.Errorf("JWKS() = %s\nwant     %s", got, want)
	}
}

// TestJWKSWithRSA parses a document of both kinds with go-jose (what a
// relying party would use) and verifies tokens of both algorithms with
// nothing but the published keys.
func TestJWKSWithRSA(t *testing.T) {
	t.Parallel()
	kr, ed, rk := mixedRing(t)
	raw := kr.JWKS()
	priv := rsaPrivate(t, rk)
	wantRSA := `{"alg":"RS256","e":"AQAB","kid":"rsa","kty":"RSA","n":"` + b64.EncodeToString(priv.N.Bytes()) + `","use":"sig"}`
	if !strings.HasPrefix(string(raw), `{"keys":[`+wantRSA+`,{"alg":"EdDSA","crv":"Ed25519","kid":"ed",`) {
		t.Errorf("JWKS() = %s\nwant the RSA key first, as %s", raw, wantRSA)
	}

	var set jose.JSONWebKeySet
	if err := json.Unmarshal(raw, &set); err != nil {
		t.Fatalf("go-jose cannot parse JWKS(): %v\n%s", err, raw)
	}
	if len(set.Keys) != 2 {
		t.Fatalf("go-jose read %d keys, want 2", len(set.Keys))
	}
	rj, ej := set.Key("rsa"), set.Key("ed")
	if len(rj) != 1 || len(ej) != 1 {
		t.Fatalf("go-jose finds %d keys for kid rsa, %d for ed; want 1 each", len(rj), len(ej))
	}
	if pub, ok := rj[0].Key.(*rsa.PublicKey); !ok || !pub.Equal(&priv.PublicKey) || rj[0].Algorithm != RS256 || rj[0].Use != "sig" {
		t.Errorf("RSA JWK = %T alg %q use %q, want the ring's public key, RS256, sig", rj[0].Key, rj[0].Algorithm, rj[0].Use)
	}
	if pub, ok := ej[0].Key.(ed25519.PublicKey); !ok || !pub.Equal(ed25519.PublicKey(ed.Public)) || ej[0].Algorithm != EdDSA {
		t.Errorf("Ed25519 JWK = %T alg %q, want the ring's public key, EdDSA", ej[0].Key, ej[0].Algorithm)
	}
	if !rj[0].Valid() || !rj[0].IsPublic() {
		t.Errorf("go-jose says the RSA JWK is not a valid public key")
	}

	claims := map[string]any{"sub": "u1", "aud": "client-1"}
	for _, alg := range []string{RS256, EdDSA} {
		tok, err := kr.SignWith(alg, claims)
		if err != nil {
			t.Fatal(err)
		}
		jws, err := jose.ParseSigned(tok, []jose.SignatureAlgorithm{jose.SignatureAlgorithm(alg)})
		if err != nil {
			t.Fatalf("go-jose cannot parse the %s token: %v", alg, err)
		}
		kid := jws.Signatures[0].Header.KeyID
		keys := set.Key(kid)
		if len(keys) != 1 {
			t.Fatalf("%s token names kid %q, which the JWKS has %d of", alg, kid, len(keys))
		}
		payload, err := jws.Verify(keys[0])
		if err != nil {
			t.Fatalf("go-jose rejects the %s token with the published key: %v", alg, err)
		}
		var got map[string]any
		if err := json.Unmarshal(payload, &got); err != nil || !cmp.Equal(got, claims) {
			t.Errorf("go-jose read %s claims %s (%v), want %v", alg, payload, err, claims)
		}
		// The other kind's key must not verify it.
		other := set.Key("ed")[0]
		if alg == EdDSA {
			other = set.Key("rsa")[0]
		}
		if _, err := jws.Verify(other); err == nil {
			t.Errorf("go-jose verified the %s token with the other key", alg)
		}
	}
}

func TestGenerateRS256(t *testing.T) {
	t.Parallel()
	k, err := Generate(RS256, t0)
	if err != nil {
		t.Fatal(err)
	}
	if k.Algorithm != RS256 || len(k.ID) != 22 || !k.Created.Equal(t0) {
		t.Errorf("Generate(RS256) = alg %q, kid %q, created %v", k.Algorithm, k.ID, k.Created)
	}
	if bits := rsaPrivate(t, k).N.BitLen(); bits != 2048 {
		t.Errorf("Generate(RS256) made a %d-bit key, want 2048", bits)
	}
	kr := mustRing(t, fixedKey(1, "ed", t0), k)
	tok, err := kr.SignWith(RS256, map[string]any{"sub": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kr.Verify(tok); err != nil {
		t.Errorf("Verify(token of a generated RSA key) = %v", err)
	}
	for _, alg := range []string{"HS256", "none", "ES256", ""} {
		if _, err := Generate(alg, t0); !errors.Is(err, ErrUnsupportedAlgorithm) {
			t.Errorf("Generate(%q) = %v, want ErrUnsupportedAlgorithm", alg, err)
		}
	}
}

// TestRSAKeysOnlyWhenAsked: startup makes an RSA key only when asked to,
// once; rotation makes the first one on demand; InUse lists what a plain
// `keys rotate` rotates.
func TestRSAKeysOnlyWhenAsked(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	algsIn := func(s *fakeKeyStore) []string {
		var algs []string
		for _, k := range s.keys {
			algs = append(algs, k.Algorithm)
		}
		slices.Sort(algs)
		return algs
	}

	store := &fakeKeyStore{}
	if _, err := LoadOrCreate(ctx, store, t0); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{EdDSA}, algsIn(store)); diff != "" {
		t.Errorf("plain LoadOrCreate stored (-want +got):\n%s", diff)
	}
	if algs, err := InUse(ctx, store); err != nil || !cmp.Equal(algs, []string{EdDSA}) {
		t.Errorf("InUse = %v, %v; want [EdDSA]", algs, err)
	}
	kr, err := LoadOrCreate(ctx, store, t0, RS256)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreate(ctx, store, t0, RS256, RS256); err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff([]string{EdDSA, RS256}, algsIn(store)); diff != "" {
		t.Errorf("after LoadOrCreate(RS256) twice, stored (-want +got):\n%s", diff)
	}
	if _, err := kr.SignWith(RS256, nil); err != nil {
		t.Errorf("ring from LoadOrCreate(RS256) cannot sign RS256: %v", err)
	}
	if algs, err := InUse(ctx, store); err != nil || !cmp.Equal(algs, []string{EdDSA, RS256}) {
		t.Errorf("InUse = %v, %v; want [EdDSA RS256]", algs, err)
	}

	// A rotation through the store reaches a ring at its next reload.
	k, err := Rotate(ctx, store, RS256, t0.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := kr.Reload(ctx, store); err != nil {
		t.Fatal(err)
	}
	tok, err := kr.SignWith(RS256, nil)
	if err != nil || headerOf(t, tok)["kid"] != k.ID {
		t.Errorf("after rotating RS256, SignWith(RS256) = %q, %v; want kid %s", tok, err, k.ID)
	}
	if _, err := Rotate(ctx, store, "HS256", t0); !errors.Is(err, ErrUnsupportedAlgorithm) {
		t.Errorf("Rotate(HS256) = %v, want ErrUnsupportedAlgorithm", err)
	}

	// Retired RSA keys are not in use; an unretired one without EdDSA
	// makes startup add the EdDSA key.
	retiredRSA := fixedRSAKey(t, "rsa2048-a.pem", "r", t0)
	retiredRSA.RetiredAt = t0
	onlyRSA := &fakeKeyStore{keys: []core.SigningKey{retiredRSA, fixedRSAKey(t, "rsa2048-b.pem", "r2", t0)}}
	if algs, err := InUse(ctx, &fakeKeyStore{keys: []core.SigningKey{retiredRSA}}); err != nil || !cmp.Equal(algs, []string{EdDSA}) {
		t.Errorf("InUse(retired RSA key only) = %v, %v; want [EdDSA]", algs, err)
	}
	if _, err := LoadOrCreate(ctx, onlyRSA, t0); err != nil || onlyRSA.inserts != 1 {
		t.Errorf("LoadOrCreate(RSA keys only) = %v after %d inserts; want one EdDSA key added", err, onlyRSA.inserts)
	}
}
