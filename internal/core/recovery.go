package core

import (
	"crypto/sha256"
	"strings"
)

// hashRecoveryCode hashes a code as typed, forgiving case, spaces and
// dashes. The codes carry enough entropy that a plain SHA-256 is safe.
func hashRecoveryCode(code string) []byte {
	norm := strings.Map(func(r rune) rune {
		if r == '-' || r == ' ' {
			return -1
		}
		return r
	}, strings.ToLower(strings.TrimSpace(code)))
	sum := sha256.Sum256([]byte(norm))
	return sum[:]
}
