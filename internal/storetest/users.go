package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

func testUserRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "alice@example.com")
	u.EmailVisibility = false
	insertUser(t, s, u)
	insertUser(t, s, user(core.SuperusersID, "s1", "root@example.com"))

	got, err := s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByID mismatch (-want +got):\n%s", diff)
	}
	got, err = s.UserByEmail(ctx, core.UsersID, "alice@example.com")
	wantOK(t, "UserByEmail", err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("UserByEmail mismatch (-want +got):\n%s", diff)
	}

	_, err = s.UserByID(ctx, core.SuperusersID, "u1")
	wantErr(t, "UserByID in another collection", err, core.ErrNotFound)
	_, err = s.UserByID(ctx, core.UsersID, "nope")
	wantErr(t, "UserByID of a missing id", err, core.ErrNotFound)
	_, err = s.UserByEmail(ctx, core.SuperusersID, "alice@example.com")
	wantErr(t, "UserByEmail in another collection", err, core.ErrNotFound)

	for coll, want := range map[string]int{core.UsersID: 1, core.SuperusersID: 1, "other": 0} {
		n, err := s.CountUsers(ctx, coll)
		wantOK(t, "CountUsers", err)
		if n != want {
			t.Errorf("CountUsers(%s) = %d, want %d", coll, n, want)
		}
	}
}

func testUserEmailUniqueness(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "eve@example.com"))

	err := s.InsertUser(ctx, user(core.UsersID, "u2", "eve@example.com"))
	wantErr(t, "same email, same collection", err, core.ErrConflict)
	err = s.InsertUser(ctx, user(core.SuperusersID, "u1", "other@example.com"))
	wantErr(t, "same id", err, core.ErrConflict)

	// The same address may live in another collection, and emails are
	// case-sensitive, so these are all distinct users.
	insertUser(t, s, user(core.SuperusersID, "s1", "eve@example.com"))
	insertUser(t, s, user(core.UsersID, "u3", "Eve@example.com"))
	// Users without an email never collide with each other.
	insertUser(t, s, user(core.UsersID, "u4", ""))
	insertUser(t, s, user(core.UsersID, "u5", ""))

	tests := []struct {
		coll, email, wantID string
	}{
		{core.UsersID, "eve@example.com", "u1"},
		{core.UsersID, "Eve@example.com", "u3"},
		{core.UsersID, "EVE@example.com", ""},
		{core.UsersID, "eve@example.com ", ""},
		{core.UsersID, "", ""},
		{core.SuperusersID, "eve@example.com", "s1"},
	}
	for _, tc := range tests {
		got, err := s.UserByEmail(ctx, tc.coll, tc.email)
		if tc.wantID == "" {
			wantErr(t, "UserByEmail("+tc.email+")", err, core.ErrNotFound)
			continue
		}
		if err != nil || got.ID != tc.wantID {
			t.Errorf("UserByEmail(%s, %q) = %q, %v, want %q", tc.coll, tc.email, got.ID, err, tc.wantID)
		}
	}
}

func testUserUpdate(t *testing.T, s core.Store) {
	ctx := t.Context()
	orig := user(core.UsersID, "u1", "old@example.com")
	insertUser(t, s, orig)
	insertUser(t, s, user(core.UsersID, "u2", "taken@example.com"))

	upd := core.User{
		ID: "u1", CollectionID: core.UsersID, Email: "new@example.com",
		EmailVisibility: false, Verified: false, Name: "Renamed", Avatar: "",
		PasswordHash: "$2b$10$abcdefghijklmnopqrstuv", Created: orig.Created,
		Updated: at(time.Hour), Profile: map[string]any{"first_name": "Re", "last_name": "Named"},
		Status: core.UserSuspended,
	}
	wantOK(t, "UpdateUser", s.UpdateUser(ctx, upd))
	got, err := s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if diff := cmp.Diff(upd, got); diff != "" {
		t.Errorf("after UpdateUser (-want +got):\n%s", diff)
	}
	if _, err := s.UserByEmail(ctx, core.UsersID, "old@example.com"); err == nil {
		t.Error("the old email still finds the user")
	}

	taken := upd
	taken.Email = "taken@example.com"
	wantErr(t, "UpdateUser to a taken email", s.UpdateUser(ctx, taken), core.ErrConflict)

	missing := upd
	missing.ID = "nope"
	wantErr(t, "UpdateUser of a missing user", s.UpdateUser(ctx, missing), core.ErrNotFound)

	other := upd
	other.CollectionID = core.SuperusersID
	other.Name = "hijacked"
	wantErr(t, "UpdateUser in another collection", s.UpdateUser(ctx, other), core.ErrNotFound)

	got, err = s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if diff := cmp.Diff(upd, got); diff != "" {
		t.Errorf("failed updates changed the user (-want +got):\n%s", diff)
	}
}

func testUserDeleteCascades(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertSession(t, s, session("s1", "u1"))
	insertSession(t, s, session("s2", "u2"))
	insertToken(t, s, token("t1", "u1", core.PurposeVerification, at(0)))
	insertToken(t, s, token("t2", "u2", core.PurposeVerification, at(0)))

	wantErr(t, "DeleteUser in another collection",
		s.DeleteUser(ctx, core.SuperusersID, "u1"), core.ErrNotFound)
	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))

	_, err := s.UserByID(ctx, core.UsersID, "u1")
	wantErr(t, "deleted user", err, core.ErrNotFound)
	_, err = s.SessionByID(ctx, "s1")
	wantErr(t, "deleted user's session", err, core.ErrNotFound)
	_, err = s.OneTimeTokenByID(ctx, "t1")
	wantErr(t, "deleted user's token", err, core.ErrNotFound)
	_, err = s.LatestOneTimeToken(ctx, "u1", core.PurposeVerification)
	wantErr(t, "deleted user's latest token", err, core.ErrNotFound)
	wantErr(t, "DeleteUser again", s.DeleteUser(ctx, core.UsersID, "u1"), core.ErrNotFound)

	// The other user keeps everything.
	if _, err := s.UserByID(ctx, core.UsersID, "u2"); err != nil {
		t.Errorf("other user: %v", err)
	}
	if _, err := s.SessionByID(ctx, "s2"); err != nil {
		t.Errorf("other user's session: %v", err)
	}
	if _, err := s.OneTimeTokenByID(ctx, "t2"); err != nil {
		t.Errorf("other user's token: %v", err)
	}
	if n, err := s.CountUsers(ctx, core.UsersID); err != nil || n != 1 {
		t.Errorf("CountUsers = %d, %v, want 1", n, err)
	}
}

// An empty PasswordHash is how a user without a password (one created
// through OAuth, say) is stored: it must insert and update like any other.
func testUserWithoutPassword(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "oauth@example.com")
	u.PasswordHash = ""
	insertUser(t, s, u)
	got, err := s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("user without a password (-want +got):\n%s", diff)
	}

	// Setting a password and clearing it again both stick.
	withPassword := user(core.UsersID, "u1", "oauth@example.com")
	wantOK(t, "UpdateUser setting a password", s.UpdateUser(ctx, withPassword))
	got, err = s.UserByID(ctx, core.UsersID, "u1")
	if err != nil || got.PasswordHash != withPassword.PasswordHash {
		t.Errorf("PasswordHash after setting it = %q, %v, want %q", got.PasswordHash, err, withPassword.PasswordHash)
	}
	wantOK(t, "UpdateUser clearing the password", s.UpdateUser(ctx, u))
	got, err = s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if diff := cmp.Diff(u, got); diff != "" {
		t.Errorf("user after clearing the password (-want +got):\n%s", diff)
	}
}
