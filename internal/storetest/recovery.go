package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// errRollback makes InTx roll back.
var errRollback = errors.New("roll back")

// recoveryHash is the stored hash of the code called name. It does not
// depend on the user, so two users can hold the same hash.
func recoveryHash(name string) []byte { return []byte("sha256\x00\xff:" + name) }

// recoveryCodes builds unused codes of a user, one per name.
func recoveryCodes(userID string, names ...string) []core.RecoveryCode {
	codes := make([]core.RecoveryCode, len(names))
	for i, name := range names {
		codes[i] = core.RecoveryCode{ID: userID + "-" + name, UserID: userID, Hash: recoveryHash(name), Created: at(0)}
	}
	return codes
}

// wantUnused fails unless the user has n unused recovery codes.
func wantUnused(t *testing.T, s core.Store, userID string, n int) {
	t.Helper()
	got, err := s.UnusedRecoveryCodes(t.Context(), userID)
	if err != nil || got != n {
		t.Errorf("UnusedRecoveryCodes(%s) = %d, %v, want %d", userID, got, err, n)
	}
}

func testRecoveryCodes(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	use := func(userID, name string) error {
		return s.UseRecoveryCode(ctx, userID, recoveryHash(name), at(time.Hour))
	}
	wantUnused(t, s, "u1", 0)

	first := recoveryCodes("u1", "c1", "c2", "c3")
	first[2].UsedAt = at(time.Minute) // stored as given: already used
	wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, "u1", first))
	// Another user may hold the same hash.
	wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, "u2", recoveryCodes("u2", "c1", "only-u2")))
	wantUnused(t, s, "u1", 2)

	wantOK(t, "UseRecoveryCode", use("u1", "c1"))
	wantErr(t, "UseRecoveryCode again", use("u1", "c1"), core.ErrNotFound)
	wantErr(t, "UseRecoveryCode of a code stored used", use("u1", "c3"), core.ErrNotFound)
	wantErr(t, "UseRecoveryCode of another user's code", use("u1", "only-u2"), core.ErrNotFound)
	wantErr(t, "UseRecoveryCode of an unknown code", use("u1", "nope"), core.ErrNotFound)
	wantErr(t, "UseRecoveryCode of a missing user", use("ghost", "c1"), core.ErrNotFound)
	wantErr(t, "UseRecoveryCode without a hash", s.UseRecoveryCode(ctx, "u1", nil, at(time.Hour)), core.ErrNotFound)
	wantUnused(t, s, "u1", 1)
	wantUnused(t, s, "u2", 2) // u1's use of c1 left u2's c1 alone

	// Replacing drops every old code, used or not.
	wantOK(t, "ReplaceRecoveryCodes again", s.ReplaceRecoveryCodes(ctx, "u1", recoveryCodes("u1", "d1", "d2")))
	wantUnused(t, s, "u1", 2)
	wantErr(t, "UseRecoveryCode of a replaced code", use("u1", "c2"), core.ErrNotFound)
	wantOK(t, "UseRecoveryCode of a new code", use("u1", "d1"))

	// A failed replacement keeps the old codes.
	dup := recoveryCodes("u1", "e1", "e2")
	dup[1].Hash = dup[0].Hash
	wantErr(t, "ReplaceRecoveryCodes with a hash twice", s.ReplaceRecoveryCodes(ctx, "u1", dup), core.ErrConflict)
	taken := recoveryCodes("u1", "e1")
	taken[0].ID = "u2-c1"
	wantErr(t, "ReplaceRecoveryCodes with another user's id", s.ReplaceRecoveryCodes(ctx, "u1", taken), core.ErrConflict)
	wantUnused(t, s, "u1", 1)
	wantErr(t, "UseRecoveryCode of a code from a failed replacement", use("u1", "e1"), core.ErrNotFound)
	wantUnused(t, s, "u2", 2)

	wantErr(t, "ReplaceRecoveryCodes for a missing user",
		s.ReplaceRecoveryCodes(ctx, "ghost", recoveryCodes("ghost", "c1")), core.ErrNotFound)
	wantOK(t, "ReplaceRecoveryCodes with none for a missing user", s.ReplaceRecoveryCodes(ctx, "ghost", nil))
	wantOK(t, "ReplaceRecoveryCodes with none", s.ReplaceRecoveryCodes(ctx, "u1", nil))
	wantUnused(t, s, "u1", 0)
	wantErr(t, "UseRecoveryCode after replacing with none", use("u1", "d2"), core.ErrNotFound)
}

func testUseRecoveryCodeConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(t.Context(), "u1", recoveryCodes("u1", "c1", "c2")))
	errs := race(10, func(i int) error {
		return s.UseRecoveryCode(t.Context(), "u1", recoveryHash("c1"), at(time.Duration(i+1)*time.Second))
	})
	onlyOneWins(t, "UseRecoveryCode", errs, core.ErrNotFound)
	wantUnused(t, s, "u1", 1)
}

// Inside InTx, ReplaceRecoveryCodes is part of the transaction: it sees
// and is undone with it.
func testReplaceRecoveryCodesInTx(t *testing.T, s core.Store) {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, "u1", recoveryCodes("u1", "old")))

	err := s.InTx(ctx, func(q core.Queries) error {
		if err := q.ReplaceRecoveryCodes(ctx, "u1", recoveryCodes("u1", "new1", "new2")); err != nil {
			return err
		}
		if n, err := q.UnusedRecoveryCodes(ctx, "u1"); err != nil || n != 2 {
			t.Errorf("UnusedRecoveryCodes inside the transaction = %d, %v, want 2", n, err)
		}
		return errRollback
	})
	wantErr(t, "InTx", err, errRollback)
	wantUnused(t, s, "u1", 1)
	wantOK(t, "UseRecoveryCode of the old code after rollback",
		s.UseRecoveryCode(ctx, "u1", recoveryHash("old"), at(time.Hour)))

	wantOK(t, "InTx", s.InTx(ctx, func(q core.Queries) error {
		return q.ReplaceRecoveryCodes(ctx, "u1", recoveryCodes("u1", "new1", "new2"))
	}))
	wantUnused(t, s, "u1", 2)
}

// Every factor row belongs to its user and goes with it.
func testFactorsCascade(t *testing.T, s core.Store) {
	ctx := t.Context()
	for _, u := range []core.User{user(core.UsersID, "u1", "a@example.com"), user(core.UsersID, "u2", "b@example.com")} {
		insertUser(t, s, u)
		insertOTP(t, s, otp("o-"+u.ID, u.ID, at(0)))
		insertMFA(t, s, mfa("m-"+u.ID, u.ID, at(0)))
		wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, totp(u.ID, 3)))
		wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, u.ID, recoveryCodes(u.ID, "c1", "c2")))
	}

	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))
	_, err := s.OTPByID(ctx, "o-u1")
	wantErr(t, "code of a deleted user", err, core.ErrNotFound)
	_, err = s.MFAByID(ctx, "m-u1")
	wantErr(t, "challenge of a deleted user", err, core.ErrNotFound)
	wantTOTP(t, s, "u1", core.TOTPFactor{})
	wantUnused(t, s, "u1", 0)

	if got, err := s.OTPByID(ctx, "o-u2"); err != nil || !cmp.Equal(otp("o-u2", "u2", at(0)), got) {
		t.Errorf("another user's code = %+v, %v", got, err)
	}
	if _, err := s.MFAByID(ctx, "m-u2"); err != nil {
		t.Errorf("another user's challenge: %v", err)
	}
	wantTOTP(t, s, "u2", totp("u2", 3))
	wantUnused(t, s, "u2", 2)

	// A new user with the old id starts with a clean slate.
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	wantTOTP(t, s, "u1", core.TOTPFactor{})
	wantUnused(t, s, "u1", 0)
	if got, err := s.ActiveOTPs(ctx, "u1", at(0)); err != nil || len(got) != 0 {
		t.Errorf("ActiveOTPs of the new user = %+v, %v, want none", got, err)
	}
	wantErr(t, "UseRecoveryCode of the old user's code",
		s.UseRecoveryCode(ctx, "u1", recoveryHash("c1"), at(time.Hour)), core.ErrNotFound)
}
