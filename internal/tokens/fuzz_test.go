package tokens

import (
	"errors"
	"testing"
	"time"
)

// FuzzVerify checks that Verify never panics and never accepts a token
// that the ring's keys did not sign. Ed25519 and RS256 (PKCS #1 v1.5)
// signing are deterministic and every accepted encoding is canonical, so
// the only tokens Verify may accept are exactly the ones signed below:
// anything else it accepts is a forgery it let through.
func FuzzVerify(f *testing.F) {
	active := fixedKey(1, "active", t0)
	retired := fixedKey(2, "retired", t0.Add(-time.Hour))
	retired.RetiredAt = t0
	rk := fixedRSAKey(f, "rsa2048-a.pem", "rsa", t0)
	kr := mustRing(f, active, retired, rk)

	signed := map[string]bool{}
	for _, claims := range []map[string]any{
		{"sub": "u1", "exp": 1740830400, "type": "auth", "sid": "s1"},
		{},
		{"nested": map[string]any{"a": []any{1, "two", nil, true}}},
	} {
		tok, err := kr.Sign(claims)
		if err != nil {
			f.Fatal(err)
		}
		signed[tok] = true
		if tok, err = kr.SignWith(RS256, claims); err != nil {
			f.Fatal(err)
		}
		signed[tok] = true
	}
	// forgeries are built around this token, so mutating one back into
	// it is a legitimate find, not a forgery.
	signed[forge(active, `{"alg":"EdDSA","kid":"active","typ":"JWT"}`, `{"sub":"u1","exp":9999999999}`)] = true
	for _, payload := range []string{`{"sub":"u1"}`, `{}`, `{"exp":1e10,"x":"\u00e9"}`} {
		signed[forge(retired, `{"alg":"EdDSA","kid":"retired","typ":"JWT"}`, payload)] = true
		signed[forge(active, `{"alg":"EdDSA","kid":"active"}`, payload)] = true
		signed[forgeRSA(rsaPrivate(f, rk), `{"alg":"RS256","kid":"rsa"}`, payload)] = true
	}
	for tok := range signed {
		if _, err := kr.Verify(tok); err != nil {
			f.Fatalf("seed token does not verify: %v", err)
		}
		f.Add(tok)
	}
	for _, tok := range forgeries(active) {
		f.Add(tok)
	}
	for _, tok := range rsaForgeries(f, active, rk) {
		f.Add(tok)
	}

	f.Fuzz(func(t *testing.T, token string) {
		claims, err := kr.Verify(token)
		if err != nil {
			if !errors.Is(err, ErrInvalidToken) || claims != nil {
				t.Fatalf("Verify(%q) = %v, %v; want nil claims and ErrInvalidToken", token, claims, err)
			}
			return
		}
		if !signed[token] {
			t.Fatalf("Verify accepted a token no ring key signed: %q", token)
		}
		if claims == nil {
			t.Fatalf("Verify(%q) accepted with nil claims", token)
		}
	})
}
