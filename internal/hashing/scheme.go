package hashing

import (
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// Errors for stored hashes Verify cannot use. Importers can check a hash
// up front with Scheme and tell the two apart with errors.Is.
var (
	ErrUnknownScheme = errors.New("hashing: unknown hash scheme")
	ErrMalformedHash = errors.New("hashing: malformed hash")
)

// Limits on the sizes read from a stored hash. Salts and keys outside
// them are refused; too short a key would make an online guess that
// collides with the stored value plausible.
const (
	minKeyLen  = 16
	maxKeyLen  = 1024
	maxSaltLen = 1024
	// maxEncodedLen bounds the whole string before any parsing.
	maxEncodedLen = 4096
)

// Scheme names, as Scheme returns them.
const (
	SchemeArgon2id = "argon2id"
	SchemeArgon2i  = "argon2i"
	SchemeBcrypt   = "bcrypt"
	SchemePBKDF2   = "pbkdf2-sha256"
	SchemeScrypt   = "scrypt"
)

// stored is a parsed hash of some supported scheme.
type stored interface {
	// verify reports whether password matches, in constant time with
	// respect to the stored key.
	verify(password string) (bool, error)
	// current reports whether the hash is argon2id with exactly p.
	current(p argonParams) bool
	scheme() string
}

// Scheme parses encoded without verifying anything and returns the name
// of its scheme. The accepted formats are:
//
//	$argon2id$v=19$m=<KiB>,t=<passes>,p=<lanes>$<salt>$<hash>   (also $argon2i$)
//	$2a$<cost>$<salt+hash>   (also $2b$ and $2y$)
//	$pbkdf2-sha256$i=<iterations>,l=<key bytes>$<salt text>$<hex digest>
//	$scrypt$ln=<log2 N>,r=<r>,p=<p>$<salt>$<hash>
//
// <salt> and <hash> are standard base64 without padding. The PBKDF2 salt
// is used as its literal bytes (Payload CMS derives from its hex salt
// string this way). Parameters beyond our cost limits are refused with
// ErrMalformedHash, so an imported hash cannot tie up a worker for long.
func Scheme(encoded string) (string, error) {
	s, err := parse(encoded)
	if err != nil {
		return "", err
	}
	return s.scheme(), nil
}

func parse(encoded string) (stored, error) {
	if len(encoded) > maxEncodedLen {
		return nil, malformed("hash is too long")
	}
	switch {
	case strings.HasPrefix(encoded, "$argon2id$"), strings.HasPrefix(encoded, "$argon2i$"):
		return parseArgon(encoded)
	case strings.HasPrefix(encoded, "$2"):
		return parseBcrypt(encoded)
	case strings.HasPrefix(encoded, "$pbkdf2-sha256$"):
		return parsePBKDF2(encoded)
	case strings.HasPrefix(encoded, "$scrypt$"):
		return parseScrypt(encoded)
	}
	return nil, ErrUnknownScheme
}

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedHash, fmt.Sprintf(format, args...))
}

// fields splits a "$"-separated hash into exactly n fields after the
// leading empty one.
func fields(encoded string, n int) ([]string, bool) {
	parts := strings.Split(encoded, "$")
	if len(parts) != n+1 || parts[0] != "" {
		return nil, false
	}
	return parts[1:], true
}

// params reads "k1=v1,k2=v2,..." with exactly the given keys in the given
// order, each a plain decimal number of at most 10 digits.
func params(s string, keys ...string) ([]uint64, bool) {
	parts := strings.Split(s, ",")
	if len(parts) != len(keys) {
		return nil, false
	}
	out := make([]uint64, len(keys))
	for i, part := range parts {
		v, ok := strings.CutPrefix(part, keys[i]+"=")
		if !ok || v == "" || len(v) > 10 || strings.Trim(v, "0123456789") != "" {
			return nil, false
		}
		n, err := strconv.ParseUint(v, 10, 64)
		if err != nil {
			return nil, false
		}
		out[i] = n
	}
	return out, true
}

// b64 decodes PHC base64 (standard alphabet, no padding). The alphabet is
// checked first because the decoder would otherwise skip newlines.
func b64(s string, minLen, maxLen int) ([]byte, bool) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/') {
			return nil, false
		}
	}
	b, err := base64.RawStdEncoding.Strict().DecodeString(s)
	if err != nil || len(b) < minLen || len(b) > maxLen {
		return nil, false
	}
	return b, true
}

func encodeB64(b []byte) string { return base64.RawStdEncoding.EncodeToString(b) }
