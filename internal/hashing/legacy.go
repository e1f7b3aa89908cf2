package hashing

import (
	"crypto/pbkdf2"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"

	"golang.org/x/crypto/bcrypt"
	"golang.org/x/crypto/scrypt"
)

// The imported schemes: hashes we only ever verify, then replace.

// Cost limits for imported hashes. Each is well above what the source
// systems write (bcrypt 10, PBKDF2 25000 x 16 blocks, scrypt N=2^15 r=8)
// and low enough that one check stays within a few seconds.
const (
	maxBcryptCost   = 15
	maxPBKDF2Iter   = 10_000_000
	maxPBKDF2Work   = 16_000_000 // iterations x 32-byte output blocks
	maxScryptLogN   = 20
	maxScryptMemory = 1 << 30 // bytes: 128 x N x r
	maxScryptWork   = 1 << 24 // N x r x p
	bcryptMaxInput  = 72
	bcryptLen       = 60
)

// bcryptHash is a modular-crypt bcrypt hash, "$2b$10$" + 53 characters.
type bcryptHash struct{ encoded []byte }

// parseBcrypt accepts $2a$, $2b$ and $2y$. $2y$ is PHP's name for the
// fixed algorithm that OpenBSD calls $2b$; we rewrite it so the library
// sees a prefix it documents. $2x$ (PHP's marker for hashes made by the
// old sign-extension bug) and plain $2$ are refused.
func parseBcrypt(encoded string) (*bcryptHash, error) {
	if len(encoded) != bcryptLen {
		return nil, malformed("bcrypt hash must be %d characters", bcryptLen)
	}
	prefix := encoded[:4]
	if prefix != "$2a$" && prefix != "$2b$" && prefix != "$2y$" {
		return nil, malformed("unsupported bcrypt variant")
	}
	c0, c1 := encoded[4], encoded[5]
	if c0 < '0' || c0 > '9' || c1 < '0' || c1 > '9' || encoded[6] != '$' {
		return nil, malformed("bad bcrypt cost")
	}
	if cost := int(c0-'0')*10 + int(c1-'0'); cost < bcrypt.MinCost || cost > maxBcryptCost {
		return nil, malformed("bcrypt cost out of range")
	}
	for i := 7; i < len(encoded); i++ {
		c := encoded[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '.' || c == '/') {
			return nil, malformed("bad bcrypt salt or hash")
		}
	}
	if prefix == "$2y$" {
		encoded = "$2b$" + encoded[4:]
	}
	return &bcryptHash{encoded: []byte(encoded)}, nil
}

// verify compares with bcrypt. bcrypt only ever reads the first 72 bytes
// of a password, and every system we import from behaves that way at
// login: node's bcrypt and bcryptjs (Conduit) truncate, and x/crypto's
// CompareHashAndPassword (PocketBase, Supabase), as of v0.58.0, does not
// reject longer input but its blowfish key schedule never reads past
// byte 72. So a longer password whose first 72 bytes match verifies,
// exactly as it did on the original system. We truncate explicitly rather
// than rely on that detail, in case a later x/crypto starts refusing long
// input in Compare as it already does in GenerateFromPassword. After a
// successful check the caller rehashes the full password with argon2id,
// which has no such limit.
func (h *bcryptHash) verify(password string) (bool, error) {
	pw := []byte(password)
	if len(pw) > bcryptMaxInput {
		pw = pw[:bcryptMaxInput]
	}
	err := bcrypt.CompareHashAndPassword(h.encoded, pw)
	switch {
	case err == nil:
		return true, nil
	case errors.Is(err, bcrypt.ErrMismatchedHashAndPassword):
		return false, nil
	}
	return false, err
}

func (h *bcryptHash) current(argonParams) bool { return false }
func (h *bcryptHash) scheme() string           { return SchemeBcrypt }

// pbkdf2Hash is "$pbkdf2-sha256$i=<iter>,l=<len>$<salt text>$<hex>".
type pbkdf2Hash struct {
	iter int
	salt []byte
	key  []byte
}

func parsePBKDF2(encoded string) (*pbkdf2Hash, error) {
	f, ok := fields(encoded, 4)
	if !ok {
		return nil, malformed("pbkdf2 hash needs parameters, salt and digest")
	}
	v, ok := params(f[1], "i", "l")
	if !ok || v[0] < 1 || v[0] > maxPBKDF2Iter || v[1] < minKeyLen || v[1] > maxKeyLen {
		return nil, malformed("bad pbkdf2 parameters")
	}
	if blocks := (v[1] + sha256.Size - 1) / sha256.Size; v[0]*blocks > maxPBKDF2Work {
		return nil, malformed("pbkdf2 parameters exceed the work limit")
	}
	salt := f[2]
	if salt == "" || len(salt) > maxSaltLen {
		return nil, malformed("bad pbkdf2 salt")
	}
	key, err := hex.DecodeString(f[3])
	if err != nil || uint64(len(key)) != v[1] {
		return nil, malformed("pbkdf2 digest must be %d hex bytes", v[1])
	}
	return &pbkdf2Hash{iter: int(v[0]), salt: []byte(salt), key: key}, nil
}

func (h *pbkdf2Hash) verify(password string) (bool, error) {
	got, err := pbkdf2.Key(sha256.New, password, h.salt, h.iter, len(h.key))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

func (h *pbkdf2Hash) current(argonParams) bool { return false }
func (h *pbkdf2Hash) scheme() string           { return SchemePBKDF2 }

// scryptHash is "$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>".
type scryptHash struct {
	n, r, p int
	salt    []byte
	key     []byte
}

func parseScrypt(encoded string) (*scryptHash, error) {
	f, ok := fields(encoded, 4)
	if !ok {
		return nil, malformed("scrypt hash needs parameters, salt and hash")
	}
	v, ok := params(f[1], "ln", "r", "p")
	if !ok || v[0] < 1 || v[0] > maxScryptLogN || v[1] < 1 || v[2] < 1 || v[1] > 1<<20 || v[2] > 1<<20 {
		return nil, malformed("bad scrypt parameters")
	}
	n := uint64(1) << v[0]
	if 128*n*v[1] > maxScryptMemory || n*v[1]*v[2] > maxScryptWork {
		return nil, malformed("scrypt parameters exceed the cost limit")
	}
	salt, ok := b64(f[2], 1, maxSaltLen)
	if !ok {
		return nil, malformed("bad scrypt salt")
	}
	key, ok := b64(f[3], minKeyLen, maxKeyLen)
	if !ok {
		return nil, malformed("bad scrypt hash")
	}
	return &scryptHash{n: int(n), r: int(v[1]), p: int(v[2]), salt: salt, key: key}, nil
}

func (h *scryptHash) verify(password string) (bool, error) {
	got, err := scrypt.Key([]byte(password), h.salt, h.n, h.r, h.p, len(h.key))
	if err != nil {
		return false, err
	}
	return subtle.ConstantTimeCompare(got, h.key) == 1, nil
}

func (h *scryptHash) current(argonParams) bool { return false }
func (h *scryptHash) scheme() string           { return SchemeScrypt }
