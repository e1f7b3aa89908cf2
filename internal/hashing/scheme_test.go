package hashing

import (
	"context"
	"errors"
	"strings"
	"testing"

	"golang.org/x/crypto/bcrypt"
)

// Known-answer vectors. The argon2 ones are the reference
// implementation's published test vectors (password "password", salt
// "somesalt", t=2, m=64 MiB, p=1); the PBKDF2 and scrypt ones are RFC 7914
// vectors or were computed with Python's hashlib (OpenSSL), not with the
// code under test.
const (
	argon2idRef = "$argon2id$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	argon2iRef  = "$argon2i$v=19$m=65536,t=2,p=1$c29tZXNhbHQ$wWKIMhR9lyDFvRz9YTZweHKfbftvj+qf+YFY4NeBbtA"
	// RFC 7914 section 11: P="passwd", S="salt", c=1, dkLen=64.
	pbkdf2RFC = "$pbkdf2-sha256$i=1,l=64$salt$55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783"
	// Payload CMS shape: 25000 iterations, 512-byte key, the salt is the
	// 64-character hex string itself. Password "correct horse".
	pbkdf2Payload = "$pbkdf2-sha256$i=25000,l=512$3f1c9a0b7e55d2c48a61f0e9b2d7c3a45e8f1b06c9d2a7e4f3b5c8d1e0a9f627$" +
		"c09afb72c66ac0fb8aadea5339ce5fef4eb8890009cabe846e0695abafc43e196aa125bf757602b07454599d6cf1f79dcde97650503fe6fb2c0bbe8e66954c50" +
		"37cffeaa894d62d63114fee8b48e3e5fa7ff35b393048501f4406b22cbd27378a9d40d19e930f64bd4ab8bd012a469c9f8c3e1ee62083bba6e14e0e898e1525b" +
		"d33821db6d92c96d0392eab9f1c9a3130f080eca5e27df0a4339724bd19c2a19f4c2c2e4612d0b9d5d36ce3a28b31b4c8ef825478684925ff72349f972d46fb8" +
		"d47b3e0129e6c2cc565ad207f897f7564dbfd682c0f8f3a17b3b68e38f00dd340bfe6e2680f4d298e25a0d3d31e25ef9ce66a6415e715e9c47b6c6ce6fdfe2e7" +
		"8015be030306a05e660f1f36158230e338fcaa9489875f947bb16a9c4a5702a439561d953a2917e5e690ec4cccb9322d5902f20b2d431aa6b04e8a791d2bfa74" +
		"1c379e35ab3a5667e28dba1dce9be9e4523a89bcc468e9f80547e28556943fddb299bda31a3f62926ec1f4269a7c71a9b303af8b9029dc665fb474d40667956" +
		"0737a66046104c536d5b6dc4f66fcb172b27e7469c0248b096a0fcb107685e8716ef599a25c744efa2ed8db6eca9b66ad00352a721f5b41c409949671e6ffd1" +
		"6937b1e41adf7c3b765cae2f69a45baeea361cb4cca2ae1c5672ab3f576419421d03716aeea39ce94ec2ec974390ac0470eca91f54a3427b6e576f8b6fd2ea027c"
	// RFC 7914 section 12: P="password", S="NaCl", N=1024, r=8, p=16.
	scryptRFC = "$scrypt$ln=10,r=8,p=16$TmFDbA$/bq+HJ00cgB4VucZDQHp/nxq18vII3gw53N2Y0s3MWIurzDZLiKjiG/xCSedmDDaxyevuUqD7m2DYMvfoswGQA"
	// N=2^14, r=8, p=1, salt "0123456789abcdef", password "correct horse".
	scryptInteractive = "$scrypt$ln=14,r=8,p=1$MDEyMzQ1Njc4OWFiY2RlZg$0LupyHkzAIgDr9UDsriAAf87vMbCbcaUfDvFOAHk0D0"
)

func bcryptOf(t testing.TB, password string) string {
	t.Helper()
	b, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestVerifyImported(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	b2a := bcryptOf(t, "correct horse")
	tests := []struct {
		name, encoded, password, scheme string
	}{
		{"argon2id-reference", argon2idRef, "password", SchemeArgon2id},
		{"argon2i-reference", argon2iRef, "password", SchemeArgon2i},
		{"bcrypt-2a", b2a, "correct horse", SchemeBcrypt},
		{"bcrypt-2b", "$2b$" + b2a[4:], "correct horse", SchemeBcrypt},
		{"bcrypt-2y", "$2y$" + b2a[4:], "correct horse", SchemeBcrypt},
		{"pbkdf2-rfc7914", pbkdf2RFC, "passwd", SchemePBKDF2},
		{"pbkdf2-payload", pbkdf2Payload, "correct horse", SchemePBKDF2},
		{"scrypt-rfc7914", scryptRFC, "password", SchemeScrypt},
		{"scrypt-interactive", scryptInteractive, "correct horse", SchemeScrypt},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got, err := Scheme(tt.encoded); got != tt.scheme || err != nil {
				t.Errorf("Scheme() = %q, %v; want %q, nil", got, err, tt.scheme)
			}
			ok, rehash, err := h.Verify(ctx, tt.encoded, tt.password)
			if !ok || !rehash || err != nil {
				t.Errorf("Verify(right password) = %v, %v, %v; want true, true, nil", ok, rehash, err)
			}
			ok, rehash, err = h.Verify(ctx, tt.encoded, tt.password+"x")
			if ok || !rehash || err != nil {
				t.Errorf("Verify(wrong password) = %v, %v, %v; want false, true, nil", ok, rehash, err)
			}
		})
	}
	t.Run("pbkdf2-uppercase-hex", func(t *testing.T) {
		t.Parallel()
		i := strings.LastIndex(pbkdf2RFC, "$")
		enc := pbkdf2RFC[:i] + strings.ToUpper(pbkdf2RFC[i:])
		if ok, _, err := h.Verify(ctx, enc, "passwd"); !ok || err != nil {
			t.Errorf("Verify(upper-case hex digest) = %v, %v; want true, nil", ok, err)
		}
	})
}

// TestBcryptLongPasswords pins the 72-byte behaviour documented on
// bcryptHash.verify: input past byte 72 is ignored, as on every system
// whose bcrypt hashes we import, and nothing shorter is ever truncated.
func TestBcryptLongPasswords(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	ctx := context.Background()
	p72 := strings.Repeat("a", 60) + "0123456789ab"
	p71 := p72[:71]
	hash72, hash71 := bcryptOf(t, p72), bcryptOf(t, p71)
	tests := []struct {
		name, encoded, password string
		want                    bool
	}{
		{"exact-72", hash72, p72, true},
		{"72-plus-suffix", hash72, p72 + "suffix", true},
		{"very-long", hash72, p72 + strings.Repeat("z", 1000), true},
		{"71-prefix-of-72", hash72, p71, false},
		{"71-hash-72-input", hash71, p71 + "b", false},
		{"71-hash-71-input", hash71, p71, true},
		{"multibyte-over-72", bcryptOf(t, strings.Repeat("é", 36)), strings.Repeat("é", 40), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, _, err := h.Verify(ctx, tt.encoded, tt.password)
			if ok != tt.want || err != nil {
				t.Errorf("Verify() = %v, %v; want %v, nil", ok, err, tt.want)
			}
		})
	}
}

func TestVerifyMalformed(t *testing.T) {
	t.Parallel()
	h := newTestHasher(t, cheap, nil)
	b := bcryptOf(t, "pw")
	argonTail := "$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc"
	pbkdf2Tail := "$salt$" + strings.Repeat("ab", 32)
	tests := []struct {
		name, encoded string
		want          error
	}{
		{"empty", "", ErrUnknownScheme},
		{"plaintext", "hunter2", ErrUnknownScheme},
		{"argon2d", "$argon2d$v=19$m=64,t=1,p=1" + argonTail, ErrUnknownScheme},
		{"md5-crypt", "$1$saltsalt$2vnaRpHa6Jxjz5n83ok8Z0", ErrUnknownScheme},
		{"too-long", "$argon2id$" + strings.Repeat("a", 5000), ErrMalformedHash},
		{"argon-no-version", "$argon2id$m=64,t=1,p=1" + argonTail, ErrMalformedHash},
		{"argon-v16", "$argon2id$v=16$m=64,t=1,p=1" + argonTail, ErrMalformedHash},
		{"argon-extra-field", "$argon2id$v=19$m=64,t=1,p=1" + argonTail + "$x", ErrMalformedHash},
		{"argon-param-order", "$argon2id$v=19$t=1,m=64,p=1" + argonTail, ErrMalformedHash},
		{"argon-param-sign", "$argon2id$v=19$m=+64,t=1,p=1" + argonTail, ErrMalformedHash},
		{"argon-memory-cap", "$argon2id$v=19$m=2097152,t=1,p=1" + argonTail, ErrMalformedHash},
		{"argon-memory-huge", "$argon2id$v=19$m=99999999999,t=1,p=1" + argonTail, ErrMalformedHash},
		{"argon-work-cap", "$argon2id$v=19$m=1048576,t=8,p=1" + argonTail, ErrMalformedHash},
		{"argon-t0", "$argon2id$v=19$m=64,t=0,p=1" + argonTail, ErrMalformedHash},
		{"argon-p0", "$argon2id$v=19$m=64,t=1,p=0" + argonTail, ErrMalformedHash},
		{"argon-p256", "$argon2id$v=19$m=65536,t=1,p=256" + argonTail, ErrMalformedHash},
		{"argon-memory-below-lanes", "$argon2id$v=19$m=16,t=1,p=4" + argonTail, ErrMalformedHash},
		{"argon-short-salt", "$argon2id$v=19$m=64,t=1,p=1$c2FsdA$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", ErrMalformedHash},
		{"argon-short-key", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1a", ErrMalformedHash},
		{"argon-padded-b64", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ=$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", ErrMalformedHash},
		{"argon-newline-b64", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNh\nbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRPPc", ErrMalformedHash},
		{"argon-url-b64", "$argon2id$v=19$m=64,t=1,p=1$c29tZXNhbHQ$CTFhFdXPJO1aFaMaO6Mm5c8y7cJHAph8ArZWb2GRP_c", ErrMalformedHash},
		{"bcrypt-short", b[:59], ErrMalformedHash},
		{"bcrypt-long", b + "x", ErrMalformedHash},
		{"bcrypt-2x", "$2x$" + b[4:], ErrMalformedHash},
		{"bcrypt-2", "$2" + b[3:] + "a", ErrMalformedHash},
		{"bcrypt-cost-3", b[:4] + "03" + b[6:], ErrMalformedHash},
		{"bcrypt-cost-31", b[:4] + "31" + b[6:], ErrMalformedHash},
		{"bcrypt-cost-letters", b[:4] + "1a" + b[6:], ErrMalformedHash},
		{"bcrypt-bad-char", b[:30] + "!" + b[31:], ErrMalformedHash},
		{"pbkdf2-i0", "$pbkdf2-sha256$i=0,l=32" + pbkdf2Tail, ErrMalformedHash},
		{"pbkdf2-i-cap", "$pbkdf2-sha256$i=10000001,l=32" + pbkdf2Tail, ErrMalformedHash},
		{"pbkdf2-work-cap", "$pbkdf2-sha256$i=10000000,l=64$salt$" + strings.Repeat("ab", 64), ErrMalformedHash},
		{"pbkdf2-len-mismatch", "$pbkdf2-sha256$i=1,l=31" + pbkdf2Tail, ErrMalformedHash},
		{"pbkdf2-short-key", "$pbkdf2-sha256$i=1,l=8$salt$" + strings.Repeat("ab", 8), ErrMalformedHash},
		{"pbkdf2-not-hex", "$pbkdf2-sha256$i=1,l=32$salt$" + strings.Repeat("zz", 32), ErrMalformedHash},
		{"pbkdf2-empty-salt", "$pbkdf2-sha256$i=1,l=32$" + pbkdf2Tail[5:], ErrMalformedHash},
		{"pbkdf2-missing-l", "$pbkdf2-sha256$i=1" + pbkdf2Tail, ErrMalformedHash},
		{"scrypt-ln0", "$scrypt$ln=0,r=8,p=1$TmFDbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-ln-cap", "$scrypt$ln=21,r=1,p=1$TmFDbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-memory-cap", "$scrypt$ln=20,r=9,p=1$TmFDbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-work-cap", "$scrypt$ln=20,r=8,p=3$TmFDbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-r0", "$scrypt$ln=10,r=0,p=1$TmFDbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-bad-salt", "$scrypt$ln=10,r=8,p=1$Tm*DbA$" + strings.Repeat("A", 43), ErrMalformedHash},
		{"scrypt-no-hash", "$scrypt$ln=10,r=8,p=1$TmFDbA", ErrMalformedHash},
	}
	ctx := context.Background()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ok, rehash, err := h.Verify(ctx, tt.encoded, "pw")
			if ok || rehash || !errors.Is(err, tt.want) {
				t.Errorf("Verify(%q) = %v, %v, %v; want false, false, %v", tt.encoded, ok, rehash, err, tt.want)
			}
			if _, err := Scheme(tt.encoded); !errors.Is(err, tt.want) {
				t.Errorf("Scheme(%q) error = %v, want %v", tt.encoded, err, tt.want)
			}
		})
	}
}

// FuzzScheme checks that no stored string makes the parser panic, and
// that whatever it accepts stays within the cost limits.
func FuzzScheme(f *testing.F) {
	for _, s := range []string{argon2idRef, argon2iRef, pbkdf2RFC, pbkdf2Payload, scryptRFC, scryptInteractive,
		"$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy", "$argon2id$v=19$m=64,t=1,p=1$$", "$2y$", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, encoded string) {
		s, err := parse(encoded)
		if err != nil {
			if !errors.Is(err, ErrMalformedHash) && !errors.Is(err, ErrUnknownScheme) {
				t.Fatalf("parse(%q) error %v wraps neither sentinel", encoded, err)
			}
			return
		}
		switch h := s.(type) {
		case *argonHash:
			if h.params.check() != nil {
				t.Fatalf("parse(%q) accepted argon2 params %+v beyond the limits", encoded, h.params)
			}
		case *scryptHash:
			if 128*h.n*h.r > maxScryptMemory || h.n*h.r*h.p > maxScryptWork {
				t.Fatalf("parse(%q) accepted scrypt params beyond the limits", encoded)
			}
		case *pbkdf2Hash:
			blocks := (len(h.key) + 31) / 32
			if h.iter < 1 || h.iter > maxPBKDF2Iter || h.iter*blocks > maxPBKDF2Work || len(h.key) < minKeyLen || len(h.salt) == 0 {
				t.Fatalf("parse(%q) accepted pbkdf2 params beyond the limits", encoded)
			}
		}
	})
}
