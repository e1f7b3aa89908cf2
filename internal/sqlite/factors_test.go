package sqlite

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// Factor writes that would store a lie (a use or an update at no time, a
// code matching an empty input, a code filed under another user) fail
// with a plain error and write nothing.
func TestFactorsRejectBadInputs(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	if err := db.InsertUser(ctx, core.User{ID: "u1", CollectionID: core.UsersID, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}); err != nil {
		t.Fatal(err)
	}
	factor := core.TOTPFactor{UserID: "u1", Secret: "S", LastStep: 5, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}
	if err := db.PutTOTPFactor(ctx, factor); err != nil {
		t.Fatal(err)
	}
	good := core.RecoveryCode{ID: "c1", UserID: "u1", Hash: []byte{1}, Created: time.UnixMilli(1)}
	if err := db.ReplaceRecoveryCodes(ctx, "u1", []core.RecoveryCode{good}); err != nil {
		t.Fatal(err)
	}

	var zero time.Time
	tests := []struct {
		name string
		err  error
	}{
		{"AdvanceTOTPStep at zero time", db.AdvanceTOTPStep(ctx, "u1", 6, zero)},
		{"UseRecoveryCode at zero time", db.UseRecoveryCode(ctx, "u1", []byte{1}, zero)},
		{"ReplaceRecoveryCodes with an empty hash", db.ReplaceRecoveryCodes(ctx, "u1",
			[]core.RecoveryCode{{ID: "c2", UserID: "u1", Created: time.UnixMilli(1)}})},
		{"ReplaceRecoveryCodes with another user's code", db.ReplaceRecoveryCodes(ctx, "u1",
			[]core.RecoveryCode{{ID: "c3", UserID: "u2", Hash: []byte{3}, Created: time.UnixMilli(1)}})},
	}
	for _, tc := range tests {
		if tc.err == nil {
			t.Errorf("%s succeeded", tc.name)
		}
		if errors.Is(tc.err, core.ErrNotFound) || errors.Is(tc.err, core.ErrConflict) {
			t.Errorf("%s = %v, want a plain error", tc.name, tc.err)
		}
	}
	if got, err := db.TOTPFactor(ctx, "u1"); err != nil || !cmp.Equal(got, factor) {
		t.Errorf("factor after a zero-time advance = %+v, %v, want %+v", got, err, factor)
	}
	if n, err := db.UnusedRecoveryCodes(ctx, "u1"); err != nil || n != 1 {
		t.Errorf("UnusedRecoveryCodes after refused writes = %d, %v, want the 1 first stored", n, err)
	}

	// A code without a user id is filed under the user it is given for.
	if err := db.ReplaceRecoveryCodes(ctx, "u1", []core.RecoveryCode{{ID: "c4", Hash: []byte{4}, Created: time.UnixMilli(1)}}); err != nil {
		t.Fatalf("ReplaceRecoveryCodes without a user id = %v", err)
	}
	if err := db.UseRecoveryCode(ctx, "u1", []byte{4}, time.UnixMilli(2)); err != nil {
		t.Errorf("UseRecoveryCode of a code stored without a user id = %v", err)
	}
}
