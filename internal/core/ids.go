package core

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

const idAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789"

// NewID returns a random 15-character id of [a-z0-9], the shape
// PocketBase's clients expect for records.
func NewID() string { return randomString(15, idAlphabet) }

// randomString draws n characters uniformly from alphabet using crypto/rand
// (rejection sampling, so no character is more likely than another).
func randomString(n int, alphabet string) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(alphabet)
	buf := make([]byte, n*2)
	for len(out) < n {
		rand.Read(buf) // never fails: crypto/rand panics rather than return short
		for _, b := range buf {
			if int(b) >= limit {
				continue
			}
			out = append(out, alphabet[int(b)%len(alphabet)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// NewSecret returns 32 random bytes, base64url-encoded.
func NewSecret() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// NewPKCE returns a PKCE code verifier (NewSecret: 43 characters, within
// RFC 7636's 43-128) and its S256 challenge, base64url(SHA-256(verifier)).
func NewPKCE() (verifier, challenge string) {
	verifier = NewSecret()
	sum := sha256.Sum256([]byte(verifier))
	return verifier, base64.RawURLEncoding.EncodeToString(sum[:])
}

// itoa formats an int for audit details.
func itoa(n int) string { return strconv.Itoa(n) }
