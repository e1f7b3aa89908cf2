package tokens

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// fixedRSAKey loads a test-only RSA key from testdata (PKCS#8 PEM made
// once with `openssl genpkey`), stored as Generate stores RSA keys, so
// tests and the fuzz corpus see the same keys every run without paying
// for key generation.
func fixedRSAKey(t testing.TB, file, id string, created time.Time) core.SigningKey {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join("testdata", file))
	if err != nil {
		t.Fatal(err)
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		t.Fatalf("%s: no PEM block", file)
	}
	priv, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	pub, err := x509.MarshalPKIXPublicKey(&priv.(*rsa.PrivateKey).PublicKey)
	if err != nil {
		t.Fatal(err)
	}
	return core.SigningKey{ID: id, Algorithm: RS256, Private: block.Bytes, Public: pub, Created: created}
}

func rsaPrivate(t testing.TB, k core.SigningKey) *rsa.PrivateKey {
	t.Helper()
	p, err := x509.ParsePKCS8PrivateKey(k.Private)
	if err != nil {
		t.Fatal(err)
	}
	return p.(*rsa.PrivateKey)
}

// forgeRSA builds a token by hand: any header and payload text, signed
// RS256 (PKCS #1 v1.5, SHA-256) with priv.
func forgeRSA(priv *rsa.PrivateKey, header, payload string) string {
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	h := sha256.Sum256([]byte(input))
	sig, err := rsa.SignPKCS1v15(nil, priv, crypto.SHA256, h[:])
	if err != nil {
		panic(err)
	}
	return input + "." + b64.EncodeToString(sig)
}

// mixedRing is a ring of an Ed25519 key "ed" and a newer RSA key "rsa".
func mixedRing(t testing.TB) (*Keyring, core.SigningKey, core.SigningKey) {
	t.Helper()
	ed := fixedKey(1, "ed", t0)
	rk := fixedRSAKey(t, "rsa2048-a.pem", "rsa", t0.Add(time.Hour))
	return mustRing(t, ed, rk), ed, rk
}

func TestSignWithRS256(t *testing.T) {
	t.Parallel()
	kr, _, rk := mixedRing(t)
	claims := map[string]any{"sub": "u1", "aud": "client-1", "nonce": "n-0S6"}
	tok, err := kr.SignWith(RS256, claims)
	if err != nil {
		t.Fatalf("SignWith(RS256): %v", err)
	}
	// PKCS #1 v1.5 is deterministic: the token is exactly the hand-built one.
	want := forgeRSA(rsaPrivate(t, rk), `{"alg":"RS256","kid":"rsa","typ":"JWT"}`, `{"aud":"client-1","nonce":"n-0S6","sub":"u1"}`)
	if tok != want {
		t.Errorf("SignWith(RS256) = %s\nwant %s", tok, want)
	}
	got, err := kr.Verify(tok)
	if err != nil {
		t.Fatalf("Verify(RS256 token) = %v", err)
	}
	if diff := cmp.Diff(claims, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}

	// The default stays EdDSA, though the RSA key is newer.
	for name, sign := range map[string]func() (string, error){
		"Sign":            func() (string, error) { return kr.Sign(claims) },
		"SignWith(EdDSA)": func() (string, error) { return kr.SignWith(EdDSA, claims) },
		"SignAccess":      func() (string, error) { return kr.SignAccess(core.AccessClaims{UserID: "u1"}) },
	} {
		tok, err := sign()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if h := headerOf(t, tok); h["alg"] != "EdDSA" || h["kid"] != "ed" {
			t.Errorf("%s signed with %v/%v, want EdDSA/ed", name, h["alg"], h["kid"])
		}
	}

	for _, alg := range []string{"HS256", "none", "", "rs256"} {
		if tok, err := kr.SignWith(alg, claims); !errors.Is(err, ErrNoSigningKey) {
			t.Errorf("SignWith(%q) = %q, %v; want ErrNoSigningKey", alg, tok, err)
		}
	}
	edOnly := mustRing(t, fixedKey(1, "ed", t0))
	if tok, err := edOnly.SignWith(RS256, claims); !errors.Is(err, ErrNoSigningKey) {
		t.Errorf("SignWith(RS256) on an Ed25519-only ring = %q, %v; want ErrNoSigningKey", tok, err)
	}
}

func TestRS256SignsWithNewestUnretired(t *testing.T) {
	t.Parallel()
	ed := fixedKey(1, "ed", t0)
	older := fixedRSAKey(t, "rsa2048-a.pem", "rsa-old", t0)
	retired := fixedRSAKey(t, "rsa2048-b.pem", "rsa-new", t0.Add(time.Hour))
	retired.RetiredAt = t0.Add(2 * time.Hour)
	kr := mustRing(t, retired, ed, older)
	tok, err := kr.SignWith(RS256, map[string]any{"sub": "u1"})
	if err != nil {
		t.Fatal(err)
	}
	if kid := headerOf(t, tok)["kid"]; kid != "rsa-old" {
		t.Errorf("SignWith(RS256) used kid %v, want the newest unretired RSA key", kid)
	}
	old := forgeRSA(rsaPrivate(t, retired), `{"alg":"RS256","kid":"rsa-new","typ":"JWT"}`, `{"sub":"u1"}`)
	if _, err := kr.Verify(old); err != nil {
		t.Errorf("Verify(token of a retired RSA key) = %v, want nil", err)
	}
}

func TestNewKeyringRejectsRSA(t *testing.T) {
	t.Parallel()
	ed := fixedKey(1, "ed", t0)
	good := fixedRSAKey(t, "rsa2048-a.pem", "rsa", t0)
	other := fixedRSAKey(t, "rsa2048-b.pem", "rsa", t0)
	short := fixedRSAKey(t, "rsa1024.pem", "rsa", t0)
	edit := func(f func(k *core.SigningKey)) core.SigningKey {
		k := good
		f(&k)
		return k
	}
	edPKCS8, _ := x509.MarshalPKCS8PrivateKey(ed25519.NewKeyFromSeed(ed.Private))
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPKIX, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	priv := rsaPrivate(t, good)
	tests := map[string]core.SigningKey{
		"short-1024":         short,
		"mismatched-public":  edit(func(k *core.SigningKey) { k.Public = other.Public }),
		"pkcs1-private":      edit(func(k *core.SigningKey) { k.Private = x509.MarshalPKCS1PrivateKey(priv) }),
		"pkcs1-public":       edit(func(k *core.SigningKey) { k.Public = x509.MarshalPKCS1PublicKey(&priv.PublicKey) }),
		"ed25519-pkcs8":      edit(func(k *core.SigningKey) { k.Private = edPKCS8 }),
		"ecdsa-pkcs8":        edit(func(k *core.SigningKey) { k.Private, k.Public = ecPKCS8, ecPKIX }),
		"truncated-private":  edit(func(k *core.SigningKey) { k.Private = k.Private[:len(k.Private)-1] }),
		"empty-private":      edit(func(k *core.SigningKey) { k.Private = nil }),
		"rsa-bytes-as-eddsa": edit(func(k *core.SigningKey) { k.Algorithm = EdDSA }),
		"rs512":              edit(func(k *core.SigningKey) { k.Algorithm = "RS512" }),
		"ps256":              edit(func(k *core.SigningKey) { k.Algorithm = "PS256" }),
	}
	for name, k := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			if _, err := NewKeyring([]core.SigningKey{ed, k}); err == nil {
				t.Errorf("NewKeyring() accepted the key")
			}
		})
	}
	// RSA keys alone cannot make a ring: EdDSA signs every access token.
	if _, err := NewKeyring([]core.SigningKey{good}); err == nil {
		t.Errorf("NewKeyring(RSA key only) succeeded, want an error (no EdDSA signer)")
	}
	retiredEd := ed
	retiredEd.RetiredAt = t0
	if _, err := NewKeyring([]core.SigningKey{retiredEd, good}); err == nil {
		t.Errorf("NewKeyring(retired EdDSA, RSA) succeeded, want an error (no EdDSA signer)")
	}
}

// rsaForgeries returns tokens a ring holding the Ed25519 key ed and the
// RSA key rk must refuse: each tries to make one key stand in for the other,
// for an HMAC secret or for nothing, or bends an RSA signature.
func rsaForgeries(t testing.TB, ed, rk core.SigningKey) map[string]string {
	t.Helper()
	const claims = `{"sub":"u1","exp":9999999999}`
	hdr := func(alg, kid string) string { return `{"alg":"` + alg + `","kid":"` + kid + `","typ":"JWT"}` }
	priv := rsaPrivate(t, rk)
	stranger := rsaPrivate(t, fixedRSAKey(t, "rsa2048-b.pem", "x", t0))
	short := rsaPrivate(t, fixedRSAKey(t, "rsa1024.pem", "x", t0))
	pkcs1Pub := x509.MarshalPKCS1PublicKey(&priv.PublicKey)
	pemPub := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: rk.Public})
	good := forgeRSA(priv, hdr("RS256", rk.ID), claims)
	parts := strings.Split(good, ".")
	sig, _ := b64.DecodeString(parts[2])
	flipped := append([]byte{}, sig...)
	flipped[10] ^= 1
	withSig := func(s []byte) string { return parts[0] + "." + parts[1] + "." + b64.EncodeToString(s) }
	pss := func() string {
		input := b64.EncodeToString([]byte(hdr("PS256", rk.ID))) + "." + b64.EncodeToString([]byte(claims))
		h := sha256.Sum256([]byte(input))
		s, _ := rsa.SignPSS(rand.Reader, priv, crypto.SHA256, h[:], nil)
		return input + "." + b64.EncodeToString(s)
	}
	rsaWith := func(h crypto.Hash, alg string) string {
		input := b64.EncodeToString([]byte(hdr(alg, rk.ID))) + "." + b64.EncodeToString([]byte(claims))
		hh := h.New()
		hh.Write([]byte(input))
		s, _ := rsa.SignPKCS1v15(nil, priv, h, hh.Sum(nil))
		return input + "." + b64.EncodeToString(s)
	}
	out := map[string]string{
		"hs256-rsa-pkix-der":          forgeHMAC(sha256.New, rk.Public, hdr("HS256", rk.ID), claims),
		"hs256-rsa-pkcs1-der":         forgeHMAC(sha256.New, pkcs1Pub, hdr("HS256", rk.ID), claims),
		"hs256-rsa-pem":               forgeHMAC(sha256.New, pemPub, hdr("HS256", rk.ID), claims),
		"hs256-rsa-modulus":           forgeHMAC(sha256.New, priv.N.Bytes(), hdr("HS256", rk.ID), claims),
		"hs256-rsa-jwks-n":            forgeHMAC(sha256.New, []byte(b64.EncodeToString(priv.N.Bytes())), hdr("HS256", rk.ID), claims),
		"none-rsa-kid":                b64.EncodeToString([]byte(hdr("none", rk.ID))) + "." + parts[1] + ".",
		"none-rsa-kid-with-sig":       b64.EncodeToString([]byte(hdr("none", rk.ID))) + "." + parts[1] + "." + parts[2],
		"none-rsa-signed":             forgeRSA(priv, hdr("none", rk.ID), claims),
		"rs256-header-ed-kid":         forgeRSA(priv, hdr("RS256", ed.ID), claims),
		"rs256-header-ed-kid-edsig":   forge(ed, hdr("RS256", ed.ID), claims),
		"eddsa-header-rsa-kid":        forge(ed, hdr("EdDSA", rk.ID), claims),
		"eddsa-header-rsa-kid-rsasig": forgeRSA(priv, hdr("EdDSA", rk.ID), claims),
		"ps256-rsa-kid":               pss(),
		"rs384-rsa-kid":               rsaWith(crypto.SHA384, "RS384"),
		"rs512-rsa-kid":               rsaWith(crypto.SHA512, "RS512"),
		"rs256-lowercase":             forgeRSA(priv, hdr("rs256", rk.ID), claims),
		"rs256-stranger-key":          forgeRSA(stranger, hdr("RS256", rk.ID), claims),
		"rs256-short-key":             forgeRSA(short, hdr("RS256", rk.ID), claims),
		"rs256-short-key-own-kid":     forgeRSA(short, hdr("RS256", "short"), claims),
		"rs256-missing-kid":           forgeRSA(priv, `{"alg":"RS256"}`, claims),
		"rs256-tampered-payload":      parts[0] + "." + b64.EncodeToString([]byte(`{"sub":"admin","exp":9999999999}`)) + "." + parts[2],
		"sig-leading-zero":            withSig(append([]byte{0}, sig...)),
		"sig-truncated":               withSig(sig[:len(sig)-1]),
		"sig-empty":                   parts[0] + "." + parts[1] + ".",
		"sig-flipped":                 withSig(flipped),
	}
	// A signature plus the modulus is congruent to it: it must be refused
	// for not being below the modulus, not accepted as a second encoding
	// of a genuine signature. Only some signatures leave room to add the
	// modulus within their length, so the payload is varied until one does.
	for i := 0; i < 64; i++ {
		tok := forgeRSA(priv, hdr("RS256", rk.ID), fmt.Sprintf(`{"sub":"u1","n":%d}`, i))
		p := strings.Split(tok, ".")
		s, _ := b64.DecodeString(p[2])
		if plus := new(big.Int).Add(new(big.Int).SetBytes(s), priv.N).Bytes(); len(plus) == len(s) {
			out["sig-plus-modulus"] = p[0] + "." + p[1] + "." + b64.EncodeToString(plus)
			break
		}
	}
	if out["sig-plus-modulus"] == "" {
		t.Fatal("no signature left room to add the modulus")
	}
	return out
}

func TestVerifyRejectsAlgorithmConfusion(t *testing.T) {
	t.Parallel()
	kr, ed, rk := mixedRing(t)
	good := forgeRSA(rsaPrivate(t, rk), `{"alg":"RS256","kid":"rsa","typ":"JWT"}`, `{"sub":"u1","exp":9999999999}`)
	if _, err := kr.Verify(good); err != nil {
		t.Fatalf("Verify(hand-built good RS256 token) = %v", err)
	}
	all := rsaForgeries(t, ed, rk)
	for name, tok := range forgeries(ed) {
		all["ed/"+name] = tok
	}
	for name, tok := range all {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			claims, err := kr.Verify(tok)
			if !errors.Is(err, ErrInvalidToken) || claims != nil {
				t.Errorf("Verify(%.80q) = %v, %v; want nil, ErrInvalidToken", tok, claims, err)
			}
		})
	}
}
