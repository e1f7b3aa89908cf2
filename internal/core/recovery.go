package core

import (
	"crypto/sha256"
	"strings"
	"time"
)

// newRecoveryCodes makes a fresh set of recovery codes for a user: the
// codes to show once, and the rows that keep only their hashes. Each code
// is 10 characters (about 49 bits) written "xxxxx-xxxxx".
func newRecoveryCodes(userID string, now time.Time) ([]string, []RecoveryCode) {
	codes := make([]string, recoveryCodeCount)
	rows := make([]RecoveryCode, recoveryCodeCount)
	for i := range codes {
		raw := randomString(10, recoveryCodeAlphabet)
		codes[i] = raw[:5] + "-" + raw[5:]
		rows[i] = RecoveryCode{ID: NewID(), UserID: userID, Hash: hashRecoveryCode(codes[i]), Created: now}
	}
	return codes, rows
}

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
