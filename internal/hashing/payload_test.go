package hashing

import (
	"bytes"
	"context"
	"crypto/pbkdf2"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"
)

// payloadVector is one entry of testdata/payload_pbkdf2.json, made by Node's
// crypto the way Payload CMS hashes passwords (payload_pbkdf2.gen.js).
type payloadVector struct {
	Name       string `json:"name"`
	Password   string `json:"password"`
	Salt       string `json:"salt"`
	Hash       string `json:"hash"`
	Iterations int    `json:"iterations"`
	KeyLength  int    `json:"keyLength"`
}

func payloadVectors(t testing.TB) []payloadVector {
	t.Helper()
	b, err := os.ReadFile("testdata/payload_pbkdf2.json")
	if err != nil {
		t.Fatal(err)
	}
	var f struct{ Vectors []payloadVector }
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatal(err)
	}
	if len(f.Vectors) < 3 {
		t.Fatalf("only %d vectors in the fixture", len(f.Vectors))
	}
	return f.Vectors
}

// payloadKeyHex is the hex key of a Payload `hash` field, without any
// parameter prefix.
func payloadKeyHex(hash string) string {
	if i := strings.LastIndexByte(hash, ':'); i >= 0 {
		return hash[i+1:]
	}
	return hash
}

// TestPayloadVectors verifies hashes Node made as Payload does, through the
// stored form PayloadPBKDF2 builds, and asks for an argon2id rehash.
func TestPayloadVectors(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	ctx := context.Background()
	for _, v := range payloadVectors(t) {
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			encoded, err := PayloadPBKDF2(v.Salt, v.Hash)
			if err != nil {
				t.Fatalf("PayloadPBKDF2() error = %v", err)
			}
			wantPrefix := "$pbkdf2-sha256$i=" + strconv.Itoa(v.Iterations) + ",l=" + strconv.Itoa(v.KeyLength) + "$" + v.Salt + "$"
			if !strings.HasPrefix(encoded, wantPrefix) {
				t.Fatalf("PayloadPBKDF2() = %.80q..., want prefix %q", encoded, wantPrefix)
			}
			if got, err := Scheme(encoded); got != SchemePBKDF2 || err != nil {
				t.Errorf("Scheme() = %q, %v; want %q, nil", got, err, SchemePBKDF2)
			}
			ok, rehash, err := h.Verify(ctx, encoded, v.Password)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify(right password) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			for _, wrong := range []string{v.Password + "x", strings.ToUpper(v.Password), ""} {
				ok, rehash, err := h.Verify(ctx, encoded, wrong)
				if ok || !rehash || err != nil {
					t.Errorf("Verify(%q) = %v, %v, %v; want false, true, nil", wrong, ok, rehash, err)
				}
			}
		})
	}
}

// TestPayloadSaltIsText pins the reading of Payload's salt: the PBKDF2 salt
// is the hex text itself. The same derivation with the 32 decoded bytes
// must not reproduce Node's key, or these vectors could not tell the two
// readings apart.
func TestPayloadSaltIsText(t *testing.T) {
	t.Parallel()
	for _, v := range payloadVectors(t) {
		if v.Iterations > payloadIter {
			continue // the cheap vectors are enough to tell the readings apart
		}
		t.Run(v.Name, func(t *testing.T) {
			t.Parallel()
			want, err := hex.DecodeString(payloadKeyHex(v.Hash))
			if err != nil {
				t.Fatal(err)
			}
			asText, err := pbkdf2.Key(sha256.New, v.Password, []byte(v.Salt), v.Iterations, v.KeyLength)
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(asText, want) {
				t.Errorf("the salt read as text does not give Node's key")
			}
			raw, err := hex.DecodeString(v.Salt)
			if err != nil {
				t.Fatal(err)
			}
			asBytes, err := pbkdf2.Key(sha256.New, v.Password, raw, v.Iterations, v.KeyLength)
			if err != nil {
				t.Fatal(err)
			}
			if bytes.Equal(asBytes, want) {
				t.Errorf("the salt read as decoded bytes also gives Node's key")
			}
		})
	}
}

// TestPayloadPBKDF2Refuses feeds the importer's helper field pairs Payload
// could never verify, or that exceed the cost limits.
func TestPayloadPBKDF2Refuses(t *testing.T) {
	t.Parallel()
	salt := strings.Repeat("a1", 32)
	key512 := strings.Repeat("0f", payloadKeyLen)
	key32 := strings.Repeat("0f", 32)
	tests := []struct{ name, salt, hash string }{
		{"empty-both", "", ""},
		{"empty-salt", "", key512},
		{"empty-hash", salt, ""},
		{"salt-not-hex", strings.Repeat("zz", 32), key512},
		{"salt-dollar", salt[:62] + "$a", key512},
		{"salt-10k", strings.Repeat("a", 10000), key512},
		{"salt-non-ascii", salt[:60] + "é", key512},
		{"swapped", key512, salt},
		{"hash-not-hex", salt, strings.Repeat("zz", payloadKeyLen)},
		{"hash-odd-length", salt, key512[:len(key512)-1]},
		{"hash-short", salt, key512[:len(key512)-2]},
		{"hash-long", salt, key512 + "00"},
		{"hash-10k", salt, strings.Repeat("0", 10000)},
		{"hash-space", salt, " " + key512[1:]},
		{"v1-wrong-length", salt, payloadV1Prefix + key512},
		{"v1-empty", salt, payloadV1Prefix},
		{"v2-missing-digest", salt, "pbkdf2-sha256-v2-i100000-l32"},
		{"v2-missing-l", salt, "pbkdf2-sha256-v2-i100000:" + key32},
		{"v2-i0", salt, "pbkdf2-sha256-v2-i0-l32:" + key32},
		{"v2-i-huge", salt, "pbkdf2-sha256-v2-i99999999999-l32:" + key32},
		{"v2-i-over-cap", salt, "pbkdf2-sha256-v2-i10000001-l32:" + key32},
		{"v2-work-cap", salt, "pbkdf2-sha256-v2-i10000000-l64:" + strings.Repeat("0f", 64)},
		{"v2-l-short", salt, "pbkdf2-sha256-v2-i1000-l8:" + strings.Repeat("0f", 8)},
		{"v2-l-huge", salt, "pbkdf2-sha256-v2-i1-l2048:" + strings.Repeat("0f", 2048)},
		{"v2-sign", salt, "pbkdf2-sha256-v2-i+1000-l32:" + key32},
		{"v2-smuggled-param", salt, "pbkdf2-sha256-v2-i1,l=32-l32:" + key32},
		{"v2-length-mismatch", salt, "pbkdf2-sha256-v2-i1000-l33:" + key32},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := PayloadPBKDF2(tt.salt, tt.hash)
			if got != "" || !errors.Is(err, ErrMalformedHash) {
				t.Errorf("PayloadPBKDF2() = %.40q, %v; want \"\", ErrMalformedHash", got, err)
			}
		})
	}
}

// TestVerifyMalformedPayload sends Payload-shaped stored strings that are
// broken in one place each; none may verify, panic or take a worker.
func TestVerifyMalformedPayload(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	salt := strings.Repeat("a1", 32)
	key := strings.Repeat("0f", payloadKeyLen)
	head := "$pbkdf2-sha256$i=25000,l=512$"
	tests := []struct {
		name, encoded string
		want          error
	}{
		{"bad-hex", head + salt + "$" + strings.Repeat("g", 2*payloadKeyLen), ErrMalformedHash},
		{"odd-length", head + salt + "$" + key[1:], ErrMalformedHash},
		{"iterations-huge", "$pbkdf2-sha256$i=99999999999,l=512$" + salt + "$" + key, ErrMalformedHash},
		{"iterations-zero", "$pbkdf2-sha256$i=0,l=512$" + salt + "$" + key, ErrMalformedHash},
		{"work-cap", "$pbkdf2-sha256$i=1000001,l=512$" + salt + "$" + key, ErrMalformedHash},
		{"missing-digest", head + salt, ErrMalformedHash},
		{"missing-salt", head + key, ErrMalformedHash},
		{"missing-params", "$pbkdf2-sha256$" + salt + "$" + key, ErrMalformedHash},
		{"extra-field", head + salt + "$" + key + "$", ErrMalformedHash},
		{"10k", head + salt + "$" + strings.Repeat("0", 10000), ErrMalformedHash},
		{"bare-payload-hex", key, ErrUnknownScheme},
		{"payload-v2-unconverted", "pbkdf2-sha256-v2-i1000-l32:" + key[:64], ErrUnknownScheme},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := h.Verify(ctx, tt.encoded, "pw")
			if ok || rehash || !errors.Is(err, tt.want) {
				t.Errorf("Verify() = %v, %v, %v; want false, false, %v", ok, rehash, err, tt.want)
			}
		})
	}
}

// FuzzPayloadPBKDF2 checks that no field pair panics the helper, that
// every refusal is ErrMalformedHash, and that whatever it builds parses
// within the cost limits and keeps the salt text as given.
func FuzzPayloadPBKDF2(f *testing.F) {
	for _, v := range payloadVectors(f) {
		f.Add(v.Salt, v.Hash)
	}
	f.Add("", "")
	f.Add("ab", "pbkdf2-sha256-v2-i1-l16:"+strings.Repeat("00", 16))
	f.Add("ab", "pbkdf2-sha256-v2-i-l:")
	f.Fuzz(func(t *testing.T, salt, hash string) {
		encoded, err := PayloadPBKDF2(salt, hash)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) {
				t.Fatalf("PayloadPBKDF2(%q, %q) error %v is not ErrMalformedHash", salt, hash, err)
			}
			return
		}
		s, err := parse(encoded)
		if err != nil {
			t.Fatalf("PayloadPBKDF2 built %q, which does not parse: %v", encoded, err)
		}
		p, ok := s.(*pbkdf2Hash)
		if !ok {
			t.Fatalf("PayloadPBKDF2 built %q, parsed as %s", encoded, s.scheme())
		}
		blocks := (len(p.key) + sha256.Size - 1) / sha256.Size
		if p.iter < 1 || p.iter > maxPBKDF2Iter || p.iter*blocks > maxPBKDF2Work || len(p.key) < minKeyLen {
			t.Fatalf("PayloadPBKDF2 built %q beyond the cost limits", encoded)
		}
		if string(p.salt) != salt {
			t.Fatalf("salt %q came back as %q", salt, p.salt)
		}
		if want, _ := hex.DecodeString(payloadKeyHex(hash)); !bytes.Equal(p.key, want) {
			t.Fatalf("key of %q changed on the way", hash)
		}
	})
}
