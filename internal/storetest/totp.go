package storetest

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// totp builds a confirmed factor of a user whose last accepted step is
// lastStep.
func totp(userID string, lastStep int64) core.TOTPFactor {
	return core.TOTPFactor{
		UserID:    userID,
		Secret:    "JBSWY3DPEHPK3PXP" + userID,
		Confirmed: true,
		LastStep:  lastStep,
		Created:   at(0),
		Updated:   at(time.Minute),
	}
}

// wantTOTP fails unless the user's factor is want; a zero want means the
// user has none.
func wantTOTP(t *testing.T, s core.Store, userID string, want core.TOTPFactor) {
	t.Helper()
	got, err := s.TOTPFactor(t.Context(), userID)
	if want == (core.TOTPFactor{}) {
		wantErr(t, "TOTPFactor("+userID+")", err, core.ErrNotFound)
		return
	}
	if err != nil {
		t.Errorf("TOTPFactor(%s) = %v", userID, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("TOTPFactor(%s) (-want +got):\n%s", userID, diff)
	}
}

func testTOTPFactor(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	wantTOTP(t, s, "u1", core.TOTPFactor{})

	pending := core.TOTPFactor{UserID: "u1", Secret: "GEZDGNBVGY3TQOJQ", Created: at(0), Updated: at(0)}
	wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, pending))
	wantTOTP(t, s, "u1", pending)
	other := totp("u2", 99)
	wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, other))

	// Put replaces every field: a new enrolment starts over.
	replaced := totp("u1", 55_555_555)
	replaced.Secret, replaced.Created, replaced.Updated = "MFRGGZDFMZTWQ2LK", at(time.Hour), at(2*time.Hour)
	wantOK(t, "PutTOTPFactor again", s.PutTOTPFactor(ctx, replaced))
	wantTOTP(t, s, "u1", replaced)
	wantTOTP(t, s, "u2", other)

	wantErr(t, "PutTOTPFactor for a missing user", s.PutTOTPFactor(ctx, totp("ghost", 1)), core.ErrNotFound)
	wantTOTP(t, s, "ghost", core.TOTPFactor{})
}

func testAdvanceTOTPStep(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	want := totp("u1", 100)
	wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, want))

	wantOK(t, "AdvanceTOTPStep to a greater step", s.AdvanceTOTPStep(ctx, "u1", 101, at(time.Hour)))
	want.LastStep, want.Updated = 101, at(time.Hour)
	wantTOTP(t, s, "u1", want)

	// A replay (the same step) or an older step changes nothing.
	wantErr(t, "AdvanceTOTPStep to the same step", s.AdvanceTOTPStep(ctx, "u1", 101, at(2*time.Hour)), core.ErrConflict)
	wantErr(t, "AdvanceTOTPStep to a smaller step", s.AdvanceTOTPStep(ctx, "u1", 50, at(2*time.Hour)), core.ErrConflict)
	wantTOTP(t, s, "u1", want)

	wantErr(t, "AdvanceTOTPStep of a user without a factor", s.AdvanceTOTPStep(ctx, "u2", 1, at(time.Hour)), core.ErrConflict)
	wantErr(t, "AdvanceTOTPStep of a missing user", s.AdvanceTOTPStep(ctx, "ghost", 1, at(time.Hour)), core.ErrConflict)
	wantTOTP(t, s, "u2", core.TOTPFactor{})

	// Steps are Unix time / 30 s: far-future values still compare.
	wantOK(t, "AdvanceTOTPStep to a large step", s.AdvanceTOTPStep(ctx, "u1", 1<<40, at(3*time.Hour)))
	want.LastStep, want.Updated = 1<<40, at(3*time.Hour)
	wantTOTP(t, s, "u1", want)
}

func testAdvanceTOTPStepConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	want := totp("u1", 100)
	wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(t.Context(), want))
	errs := race(20, func(i int) error {
		return s.AdvanceTOTPStep(t.Context(), "u1", 200, at(time.Duration(i+1)*time.Second))
	})
	winner := onlyOneWins(t, "AdvanceTOTPStep", errs, core.ErrConflict)
	if winner < 0 {
		return
	}
	want.LastStep, want.Updated = 200, at(time.Duration(winner+1)*time.Second)
	wantTOTP(t, s, "u1", want)
}

func testDeleteTOTPFactor(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	for _, u := range []string{"u1", "u2"} {
		wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, totp(u, 5)))
		wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, u, recoveryCodes(u, "c1", "c2", "c3")))
	}

	wantOK(t, "DeleteTOTPFactor", s.DeleteTOTPFactor(ctx, "u1"))
	wantTOTP(t, s, "u1", core.TOTPFactor{})
	// Codes that stand in for the factor go with it.
	wantUnused(t, s, "u1", 0)
	wantErr(t, "UseRecoveryCode after DeleteTOTPFactor",
		s.UseRecoveryCode(ctx, "u1", recoveryHash("c1"), at(time.Hour)), core.ErrNotFound)
	wantTOTP(t, s, "u2", totp("u2", 5))
	wantUnused(t, s, "u2", 3)

	wantOK(t, "DeleteTOTPFactor again", s.DeleteTOTPFactor(ctx, "u1"))
	wantOK(t, "DeleteTOTPFactor of a missing user", s.DeleteTOTPFactor(ctx, "ghost"))

	// Inside a transaction it runs on the transaction (a store that
	// waited for a connection of its own would time out), which can
	// still roll it back.
	txCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	rolledBack := s.InTx(txCtx, func(q core.Queries) error {
		if err := q.DeleteTOTPFactor(txCtx, "u2"); err != nil {
			return err
		}
		if _, err := q.TOTPFactor(txCtx, "u2"); err == nil {
			t.Error("the transaction still sees the deleted factor")
		}
		return errRollback
	})
	wantErr(t, "InTx", rolledBack, errRollback)
	wantTOTP(t, s, "u2", totp("u2", 5))
	wantUnused(t, s, "u2", 3)
}
