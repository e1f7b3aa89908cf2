package core

import (
	"strings"
	"time"
)

// RecoveryCodeFormat is how a surface's recovery codes look. Every
// format hashes the same way (hashRecoveryCode ignores case, spaces and
// dashes), so a code works through every surface whatever format made it.
type RecoveryCodeFormat int

// The recovery code formats.
const (
	// RecoveryCodesWords: 10 letters and digits written "xxxxx-xxxxx"
	// (about 49 bits each), core's default.
	RecoveryCodesWords RecoveryCodeFormat = iota
	// RecoveryCodesDigits: 8 digits written "1234 5678" (Conduit's back-up
	// codes, about 26.6 bits each). Their strength online is the
	// second-factor attempt limit's (totpAttempts per totpAttemptWindow,
	// counted per user across every kind of code).
	RecoveryCodesDigits
)

// recoveryDigits is the length of a RecoveryCodesDigits code.
const recoveryDigits = 8

// newRecoveryCodes makes a fresh set of recovery codes in the profile's
// format: the codes to show once, and the rows that keep only their
// hashes.
func (s *Service) newRecoveryCodes(userID string, now time.Time) ([]string, []RecoveryCode) {
	codes := make([]string, recoveryCodeCount)
	rows := make([]RecoveryCode, recoveryCodeCount)
	for i := range codes {
		switch s.profile.SecondFactor.RecoveryCodes {
		case RecoveryCodesDigits:
			raw := randomDigits(recoveryDigits)
			codes[i] = raw[:4] + " " + raw[4:]
		default:
			raw := randomString(10, recoveryCodeAlphabet)
			codes[i] = raw[:5] + "-" + raw[5:]
		}
		rows[i] = RecoveryCode{ID: NewID(), UserID: userID, Hash: hashRecoveryCode(codes[i]), Created: now}
	}
	return codes, rows
}

// checkRecoveryFormat refuses a code that cannot be one of the profile's
// format before it counts as a try: for digit codes, anything but 8
// digits once spaces are removed (Conduit's "Incorrect code format").
// Words codes are not checked here: a wrong one simply matches nothing.
func (s *Service) checkRecoveryFormat(code string) error {
	if s.profile.SecondFactor.RecoveryCodes != RecoveryCodesDigits {
		return nil
	}
	digits := strings.ReplaceAll(strings.TrimSpace(code), " ", "")
	ok := len(digits) == recoveryDigits
	for i := 0; ok && i < len(digits); i++ {
		ok = digits[i] >= '0' && digits[i] <= '9'
	}
	if !ok {
		return Invalid(map[string]FieldError{"code": {Code: FieldInvalidFormat}})
	}
	return nil
}
