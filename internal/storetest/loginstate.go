package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// wantLoginState fails unless the user's state is want; a zero want means
// the user has none.
func wantLoginState(t *testing.T, s core.Store, userID string, want core.LoginState) {
	t.Helper()
	got, err := s.LoginState(t.Context(), userID)
	if want == (core.LoginState{}) {
		wantErr(t, "LoginState("+userID+")", err, core.ErrNotFound)
		return
	}
	if err != nil {
		t.Errorf("LoginState(%s) = %v", userID, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("LoginState(%s) (-want +got):\n%s", userID, diff)
	}
}

func testLoginState(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	wantLoginState(t, s, "u1", core.LoginState{})

	locked := core.LoginState{UserID: "u1", Failures: 5, FirstFailure: at(0), LockedUntil: at(15 * time.Minute)}
	wantOK(t, "PutLoginState", s.PutLoginState(ctx, locked))
	wantLoginState(t, s, "u1", locked)
	other := core.LoginState{UserID: "u2", Failures: 1, FirstFailure: at(time.Minute)}
	wantOK(t, "PutLoginState", s.PutLoginState(ctx, other))

	// Put replaces every field, zero times included.
	fresh := core.LoginState{UserID: "u1", Failures: 1, FirstFailure: at(time.Hour)}
	wantOK(t, "PutLoginState again", s.PutLoginState(ctx, fresh))
	wantLoginState(t, s, "u1", fresh)
	wantLoginState(t, s, "u2", other)

	wantErr(t, "PutLoginState for a missing user",
		s.PutLoginState(ctx, core.LoginState{UserID: "ghost", Failures: 1, FirstFailure: at(0)}), core.ErrNotFound)
	wantLoginState(t, s, "ghost", core.LoginState{})

	wantOK(t, "DeleteLoginState", s.DeleteLoginState(ctx, "u1"))
	wantLoginState(t, s, "u1", core.LoginState{})
	wantLoginState(t, s, "u2", other)
	wantOK(t, "DeleteLoginState again", s.DeleteLoginState(ctx, "u1"))
	wantOK(t, "DeleteLoginState of a missing user", s.DeleteLoginState(ctx, "ghost"))
}

func testLoginStateCascade(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	other := core.LoginState{UserID: "u2", Failures: 2, FirstFailure: at(0)}
	for _, st := range []core.LoginState{{UserID: "u1", Failures: 9, FirstFailure: at(0), LockedUntil: at(time.Hour)}, other} {
		wantOK(t, "PutLoginState", s.PutLoginState(ctx, st))
	}

	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))
	wantLoginState(t, s, "u1", core.LoginState{})
	wantLoginState(t, s, "u2", other)
	// A new user with the old id starts with a clean slate.
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	wantLoginState(t, s, "u1", core.LoginState{})
}
