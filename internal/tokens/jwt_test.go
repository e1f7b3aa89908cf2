package tokens

import (
	"crypto/ed25519"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/json"
	"errors"
	"hash"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

var b64 = base64.RawURLEncoding

// forge builds a token by hand: any header and payload text, signed with
// k's Ed25519 private key.
func forge(k core.SigningKey, header, payload string) string {
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	sig := ed25519.Sign(ed25519.NewKeyFromSeed(k.Private), []byte(input))
	return input + "." + b64.EncodeToString(sig)
}

// forgeHMAC builds an HS* token keyed with secret.
func forgeHMAC(h func() hash.Hash, secret []byte, header, payload string) string {
	input := b64.EncodeToString([]byte(header)) + "." + b64.EncodeToString([]byte(payload))
	mac := hmac.New(h, secret)
	mac.Write([]byte(input))
	return input + "." + b64.EncodeToString(mac.Sum(nil))
}

func headerOf(t *testing.T, token string) map[string]any {
	t.Helper()
	raw, err := b64.DecodeString(strings.Split(token, ".")[0])
	if err != nil {
		t.Fatalf("header of %q: %v", token, err)
	}
	var h map[string]any
	if err := json.Unmarshal(raw, &h); err != nil {
		t.Fatalf("header of %q: %v", token, err)
	}
	return h
}

func TestSignVerifyRoundTrip(t *testing.T) {
	t.Parallel()
	k := fixedKey(1, "kid-1", t0)
	kr := mustRing(t, k)
	claims := map[string]any{
		"sub": "u1", "exp": 1740830400, "refreshable": true, "type": "auth",
		"roles": []string{"a", "b"}, "nested": map[string]any{"x": 1.5}, "nothing": nil,
	}
	tok, err := kr.Sign(claims)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	parts := strings.Split(tok, ".")
	if h, _ := b64.DecodeString(parts[0]); string(h) != `{"alg":"EdDSA","kid":"kid-1","typ":"JWT"}` {
		t.Errorf("header = %s, want exactly {\"alg\":\"EdDSA\",\"kid\":\"kid-1\",\"typ\":\"JWT\"}", h)
	}
	wantPayload := `{"exp":1740830400,"nested":{"x":1.5},"nothing":null,"refreshable":true,"roles":["a","b"],"sub":"u1","type":"auth"}`
	if p, _ := b64.DecodeString(parts[1]); string(p) != wantPayload {
		t.Errorf("payload = %s, want %s", p, wantPayload)
	}

	got, err := kr.Verify(tok)
	if err != nil {
		t.Fatalf("Verify(signed token): %v", err)
	}
	want := map[string]any{
		"sub": "u1", "exp": float64(1740830400), "refreshable": true, "type": "auth",
		"roles": []any{"a", "b"}, "nested": map[string]any{"x": 1.5}, "nothing": nil,
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Verify() claims mismatch (-want +got):\n%s", diff)
	}

	if tok, err := kr.Sign(nil); err != nil {
		t.Errorf("Sign(nil) = %v", err)
	} else if got, err := kr.Verify(tok); err != nil || len(got) != 0 {
		t.Errorf("Verify(Sign(nil)) = %v, %v; want empty claims", got, err)
	}
	if _, err := kr.Sign(map[string]any{"bad": make(chan int)}); err == nil {
		t.Errorf("Sign(unencodable claims) = nil error, want error")
	}
}

// TestSignObject checks the one-buffer assembly against a token built by
// hand (Ed25519 is deterministic, so the bytes must match exactly), and
// that anything but an encoded object is refused.
func TestSignObject(t *testing.T) {
	t.Parallel()
	k := fixedKey(1, "kid-1", t0)
	kr := mustRing(t, k)
	const payload = `{"exp":1740830400,"sid":"s1","sub":"u1"}`
	tok, err := signObject(kr.state.Load().signer, []byte(payload))
	if err != nil {
		t.Fatalf("signObject: %v", err)
	}
	if want := forge(k, `{"alg":"EdDSA","kid":"kid-1","typ":"JWT"}`, payload); tok != want {
		t.Errorf("signObject = %s, want %s", tok, want)
	}
	if viaMap, _ := kr.Sign(map[string]any{"sub": "u1", "sid": "s1", "exp": 1740830400}); viaMap != tok {
		t.Errorf("Sign(map) = %s, want signObject's %s", viaMap, tok)
	}
	for _, bad := range []string{"", "{", "}", "[]", `"x"`, "null", "1"} {
		if got, err := signObject(kr.state.Load().signer, []byte(bad)); err == nil {
			t.Errorf("signObject(%q) = %q, want error", bad, got)
		}
	}
}

// forgeries returns tokens Verify must refuse, each built by hand. Several
// carry a valid Ed25519 signature from the ring's own key, to prove that
// a good signature alone is not enough.
func forgeries(k core.SigningKey) map[string]string {
	const claims = `{"sub":"u1","exp":9999999999}`
	hdr := func(alg string) string { return `{"alg":"` + alg + `","kid":"` + k.ID + `","typ":"JWT"}` }
	good := forge(k, hdr("EdDSA"), claims)
	parts := strings.Split(good, ".")
	stranger := fixedKey(9, "stranger", t0)
	unsigned := func(alg string) string {
		return b64.EncodeToString([]byte(hdr(alg))) + "." + parts[1] + "."
	}
	flip := func(s string, i int) string {
		b := []byte(s)
		if b[i] == 'A' {
			b[i] = 'B'
		} else {
			b[i] = 'A'
		}
		return string(b)
	}
	sig := parts[2]
	// The last of 86 characters carries 4 unused bits; setting one keeps
	// the decoded bytes but makes the encoding non-canonical.
	nonCanonical := sig[:85] + string(b64Alphabet[strings.IndexByte(b64Alphabet, sig[85])|1])
	return map[string]string{
		"alg-none":              unsigned("none"),
		"alg-None":              unsigned("None"),
		"alg-NONE":              unsigned("NONE"),
		"alg-none-with-sig":     unsigned("none") + sig,
		"alg-none-signed":       forge(k, hdr("none"), claims),
		"hs256-public-key":      forgeHMAC(sha256.New, k.Public, hdr("HS256"), claims),
		"hs384-public-key":      forgeHMAC(sha512.New384, k.Public, hdr("HS384"), claims),
		"hs512-public-key":      forgeHMAC(sha512.New, k.Public, hdr("HS512"), claims),
		"hs256-jwks-x":          forgeHMAC(sha256.New, []byte(b64.EncodeToString(k.Public)), hdr("HS256"), claims),
		"rs256-ed-signature":    forge(k, hdr("RS256"), claims),
		"es256-ed-signature":    forge(k, hdr("ES256"), claims),
		"ps256-ed-signature":    forge(k, hdr("PS256"), claims),
		"alg-lowercase":         forge(k, hdr("eddsa"), claims),
		"alg-uppercase-name":    forge(k, `{"ALG":"EdDSA","kid":"`+k.ID+`"}`, claims),
		"alg-not-string":        forge(k, `{"alg":["EdDSA"],"kid":"`+k.ID+`"}`, claims),
		"missing-kid":           forge(k, `{"alg":"EdDSA","typ":"JWT"}`, claims),
		"empty-kid":             forge(k, `{"alg":"EdDSA","kid":""}`, claims),
		"kid-not-string":        forge(k, `{"alg":"EdDSA","kid":1}`, claims),
		"unknown-kid":           forge(stranger, `{"alg":"EdDSA","kid":"stranger"}`, claims),
		"known-kid-wrong-key":   forge(stranger, hdr("EdDSA"), claims),
		"crit-header":           forge(k, `{"alg":"EdDSA","crit":["exp"],"kid":"`+k.ID+`"}`, claims),
		"typ-not-jwt":           forge(k, `{"alg":"EdDSA","kid":"`+k.ID+`","typ":"at+jwt"}`, claims),
		"header-array":          forge(k, `["EdDSA"]`, claims),
		"header-null":           forge(k, `null`, claims),
		"header-not-json":       forge(k, `{"alg":"EdDSA",`, claims),
		"tampered-header":       b64.EncodeToString([]byte(`{"alg":"EdDSA","kid":"`+k.ID+`","typ":"jwt"}`)) + "." + parts[1] + "." + sig,
		"tampered-payload":      parts[0] + "." + b64.EncodeToString([]byte(`{"sub":"admin","exp":9999999999}`)) + "." + sig,
		"tampered-signature":    parts[0] + "." + parts[1] + "." + flip(sig, 10),
		"truncated-signature":   parts[0] + "." + parts[1] + "." + sig[:84],
		"empty-signature":       parts[0] + "." + parts[1] + ".",
		"non-canonical-sig":     parts[0] + "." + parts[1] + "." + nonCanonical,
		"padded-signature":      good + "==",
		"std-alphabet":          parts[0] + "." + parts[1] + "." + "+" + sig[1:],
		"newline-in-payload":    parts[0] + "." + parts[1][:5] + "\n" + parts[1][5:] + "." + sig,
		"newline-in-signature":  parts[0] + "." + parts[1] + "." + sig[:10] + "\n" + sig[10:],
		"cr-in-signature":       parts[0] + "." + parts[1] + "." + sig[:10] + "\r" + sig[10:],
		"two-segments":          parts[0] + "." + parts[1],
		"four-segments":         good + "." + sig,
		"empty":                 "",
		"dots-only":             "..",
		"payload-array":         forge(k, hdr("EdDSA"), `[1,2]`),
		"payload-string":        forge(k, hdr("EdDSA"), `"sub"`),
		"payload-null":          forge(k, hdr("EdDSA"), `null`),
		"payload-number":        forge(k, hdr("EdDSA"), `42`),
		"payload-not-json":      forge(k, hdr("EdDSA"), `{"sub":`),
		"payload-trailing-data": forge(k, hdr("EdDSA"), `{"sub":"u1"} {}`),
		"payload-huge-number":   forge(k, hdr("EdDSA"), `{"exp":1e999}`),
		"too-long":              forge(k, hdr("EdDSA"), `{"pad":"`+strings.Repeat("x", MaxTokenLen)+`"}`),
	}
}

const b64Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"

func TestVerifyRejectsForgeries(t *testing.T) {
	t.Parallel()
	k := fixedKey(1, "kid-1", t0)
	kr := mustRing(t, k)
	// The forgeries are built around this known-good token; if it did not
	// verify, every rejection below would prove nothing.
	good := forge(k, `{"alg":"EdDSA","kid":"kid-1","typ":"JWT"}`, `{"sub":"u1","exp":9999999999}`)
	if _, err := kr.Verify(good); err != nil {
		t.Fatalf("Verify(hand-built good token) = %v", err)
	}
	for name, tok := range forgeries(k) {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			claims, err := kr.Verify(tok)
			if !errors.Is(err, ErrInvalidToken) || claims != nil {
				t.Errorf("Verify(%.80q) = %v, %v; want nil, ErrInvalidToken", tok, claims, err)
			}
		})
	}
}

func TestVerifyAcceptsOptionalTyp(t *testing.T) {
	t.Parallel()
	k := fixedKey(1, "kid-1", t0)
	kr := mustRing(t, k)
	for _, header := range []string{
		`{"alg":"EdDSA","kid":"kid-1"}`,
		`{"typ":"jwt","kid":"kid-1","alg":"EdDSA"}`,
	} {
		if _, err := kr.Verify(forge(k, header, `{"sub":"u1"}`)); err != nil {
			t.Errorf("Verify(header %s) = %v, want nil", header, err)
		}
	}
}

func TestVerifyOddClaims(t *testing.T) {
	t.Parallel()
	k := fixedKey(1, "kid-1", t0)
	kr := mustRing(t, k)
	payload := `{"exp":"tomorrow","nbf":[1],"iat":{"a":null},"sub":12345678901234567890,"deep":[[[[[[[[[[1]]]]]]]]]]}`
	got, err := kr.Verify(forge(k, `{"alg":"EdDSA","kid":"kid-1"}`, payload))
	if err != nil {
		t.Fatalf("Verify(odd claim types) = %v, want nil (claims are the caller's to judge)", err)
	}
	if got["exp"] != "tomorrow" || got["sub"] != float64(12345678901234567890) {
		t.Errorf("claims = %v, want them decoded as plain JSON values", got)
	}
}
