package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// otp builds a code of a user created at `created` and valid for ten
// minutes.
func otp(id, userID string, created time.Time) core.OTP {
	return core.OTP{
		ID:           id,
		UserID:       userID,
		CollectionID: core.UsersID,
		CodeHash:     "sha256:" + id,
		SentTo:       userID + "+otp@example.com",
		Created:      created,
		Expires:      created.Add(10 * time.Minute),
	}
}

func insertOTP(t *testing.T, s core.Store, o core.OTP) {
	t.Helper()
	if err := s.InsertOTP(t.Context(), o); err != nil {
		t.Fatalf("InsertOTP(%s) = %v", o.ID, err)
	}
}

func mfa(id, userID string, created time.Time) core.MFAChallenge {
	return core.MFAChallenge{ID: id, UserID: userID, CollectionID: core.UsersID, Method: "password", Created: created}
}

func insertMFA(t *testing.T, s core.Store, m core.MFAChallenge) {
	t.Helper()
	if err := s.InsertMFA(t.Context(), m); err != nil {
		t.Fatalf("InsertMFA(%s) = %v", m.ID, err)
	}
}

func testOTPRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	want := otp("o1", "u1", at(0))
	want.SentTo = `new "quoted" 'address'+😀@example.com`
	insertOTP(t, s, want)
	insertOTP(t, s, otp("o2", "u1", at(0)))

	got, err := s.OTPByID(ctx, "o1")
	wantOK(t, "OTPByID", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("OTPByID (-want +got):\n%s", diff)
	}
	_, err = s.OTPByID(ctx, "nope")
	wantErr(t, "OTPByID of a missing id", err, core.ErrNotFound)
	wantErr(t, "InsertOTP with a taken id", s.InsertOTP(ctx, otp("o1", "u1", at(0))), core.ErrConflict)
	wantErr(t, "InsertOTP for a missing user", s.InsertOTP(ctx, otp("o3", "ghost", at(0))), core.ErrNotFound)

	wantOK(t, "DeleteOTP", s.DeleteOTP(ctx, "o1"))
	_, err = s.OTPByID(ctx, "o1")
	wantErr(t, "OTPByID after DeleteOTP", err, core.ErrNotFound)
	wantErr(t, "DeleteOTP again", s.DeleteOTP(ctx, "o1"), core.ErrNotFound)
	wantErr(t, "DeleteOTP of a missing id", s.DeleteOTP(ctx, "nope"), core.ErrNotFound)
	if _, err := s.OTPByID(ctx, "o2"); err != nil {
		t.Errorf("deleting o1 touched o2: %v", err)
	}
}

func testDeleteOTPConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertOTP(t, s, otp("o1", "u1", at(0)))
	errs := race(20, func(int) error { return s.DeleteOTP(t.Context(), "o1") })
	onlyOneWins(t, "DeleteOTP", errs, core.ErrNotFound)
}

// ActiveOTPs lists codes expiring after now, newest first; codes created
// in the same millisecond go by id, descending.
func testActiveOTPs(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	now := at(20 * time.Minute)
	// otp() codes live ten minutes.
	a, b := otp("a", "u1", at(12*time.Minute)), otp("b", "u1", at(12*time.Minute))
	newest := otp("newest", "u1", at(15*time.Minute))
	old := otp("old", "u1", at(11*time.Minute))
	expired := otp("expired", "u1", at(5*time.Minute))
	expiresNow := otp("expires-now", "u1", at(10*time.Minute))
	others := otp("others", "u2", at(15*time.Minute))
	for _, o := range []core.OTP{old, a, expired, newest, b, expiresNow, others} {
		insertOTP(t, s, o)
	}

	got, err := s.ActiveOTPs(ctx, "u1", now)
	wantOK(t, "ActiveOTPs", err)
	if diff := cmp.Diff([]core.OTP{newest, b, a, old}, got); diff != "" {
		t.Errorf("ActiveOTPs (-want +got):\n%s", diff)
	}
	got, err = s.ActiveOTPs(ctx, "u1", at(24*time.Minute))
	wantOK(t, "ActiveOTPs later", err)
	if diff := cmp.Diff([]core.OTP{newest}, got); diff != "" {
		t.Errorf("ActiveOTPs later (-want +got):\n%s", diff)
	}
	got, err = s.ActiveOTPs(ctx, "ghost", now)
	if err != nil || got == nil || len(got) != 0 {
		t.Errorf("ActiveOTPs(ghost) = %#v, %v, want an empty list", got, err)
	}
}

func testDeleteUserOTPs(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertOTP(t, s, otp("o1", "u1", at(0)))
	insertOTP(t, s, otp("o2", "u1", at(time.Minute)))
	others := otp("others", "u2", at(0))
	insertOTP(t, s, others)

	wantOK(t, "DeleteUserOTPs", s.DeleteUserOTPs(ctx, "u1"))
	for _, id := range []string{"o1", "o2"} {
		_, err := s.OTPByID(ctx, id)
		wantErr(t, "OTPByID after DeleteUserOTPs "+id, err, core.ErrNotFound)
	}
	got, err := s.ActiveOTPs(ctx, "u2", at(0))
	wantOK(t, "ActiveOTPs", err)
	if diff := cmp.Diff([]core.OTP{others}, got); diff != "" {
		t.Errorf("another user's codes after DeleteUserOTPs (-want +got):\n%s", diff)
	}
	wantOK(t, "DeleteUserOTPs again", s.DeleteUserOTPs(ctx, "u1"))
	wantOK(t, "DeleteUserOTPs of a missing user", s.DeleteUserOTPs(ctx, "ghost"))
}

func testMFARoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	want := mfa("m1", "u1", at(0))
	want.Method = "oauth2"
	insertMFA(t, s, want)
	insertMFA(t, s, mfa("m2", "u1", at(0)))

	got, err := s.MFAByID(ctx, "m1")
	wantOK(t, "MFAByID", err)
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("MFAByID (-want +got):\n%s", diff)
	}
	_, err = s.MFAByID(ctx, "nope")
	wantErr(t, "MFAByID of a missing id", err, core.ErrNotFound)
	wantErr(t, "InsertMFA with a taken id", s.InsertMFA(ctx, mfa("m1", "u1", at(0))), core.ErrConflict)
	wantErr(t, "InsertMFA for a missing user", s.InsertMFA(ctx, mfa("m3", "ghost", at(0))), core.ErrNotFound)

	wantOK(t, "DeleteMFA", s.DeleteMFA(ctx, "m1"))
	_, err = s.MFAByID(ctx, "m1")
	wantErr(t, "MFAByID after DeleteMFA", err, core.ErrNotFound)
	wantErr(t, "DeleteMFA again", s.DeleteMFA(ctx, "m1"), core.ErrNotFound)
	wantErr(t, "DeleteMFA of a missing id", s.DeleteMFA(ctx, "nope"), core.ErrNotFound)
	if _, err := s.MFAByID(ctx, "m2"); err != nil {
		t.Errorf("deleting m1 touched m2: %v", err)
	}
}

func testDeleteMFAConcurrently(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertMFA(t, s, mfa("m1", "u1", at(0)))
	errs := race(20, func(int) error { return s.DeleteMFA(t.Context(), "m1") })
	onlyOneWins(t, "DeleteMFA", errs, core.ErrNotFound)
}

// PruneFactors deletes codes expired strictly before `before` and
// challenges created strictly before it, and nothing else.
func testPruneFactors(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	before := at(time.Hour)
	// otp() codes live ten minutes.
	oldOTP, boundaryOTP, liveOTP := otp("old", "u1", at(0)), otp("boundary", "u1", at(50*time.Minute)), otp("live", "u1", at(55*time.Minute))
	for _, o := range []core.OTP{oldOTP, boundaryOTP, liveOTP} {
		insertOTP(t, s, o)
	}
	oldMFA, boundaryMFA, liveMFA := mfa("old", "u1", at(59*time.Minute)), mfa("boundary", "u1", before), mfa("live", "u1", at(61*time.Minute))
	for _, m := range []core.MFAChallenge{oldMFA, boundaryMFA, liveMFA} {
		insertMFA(t, s, m)
	}
	factor := totp("u1", 7)
	wantOK(t, "PutTOTPFactor", s.PutTOTPFactor(ctx, factor))
	wantOK(t, "ReplaceRecoveryCodes", s.ReplaceRecoveryCodes(ctx, "u1", recoveryCodes("u1", "c1", "c2")))

	n, err := s.PruneFactors(ctx, before)
	if err != nil || n != 2 {
		t.Errorf("PruneFactors = %d, %v, want 2", n, err)
	}
	_, err = s.OTPByID(ctx, "old")
	wantErr(t, "pruned code", err, core.ErrNotFound)
	_, err = s.MFAByID(ctx, "old")
	wantErr(t, "pruned challenge", err, core.ErrNotFound)
	// Expiring, or created, exactly at `before` is not before it.
	for _, want := range []core.OTP{boundaryOTP, liveOTP} {
		got, err := s.OTPByID(ctx, want.ID)
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("kept code %s = %+v, %v, want %+v", want.ID, got, err, want)
		}
	}
	for _, want := range []core.MFAChallenge{boundaryMFA, liveMFA} {
		got, err := s.MFAByID(ctx, want.ID)
		if err != nil || !cmp.Equal(want, got) {
			t.Errorf("kept challenge %s = %+v, %v, want %+v", want.ID, got, err, want)
		}
	}
	// Factors and recovery codes do not expire.
	wantTOTP(t, s, "u1", factor)
	wantUnused(t, s, "u1", 2)
	if n, err := s.PruneFactors(ctx, before); err != nil || n != 0 {
		t.Errorf("second PruneFactors = %d, %v, want 0", n, err)
	}
}
