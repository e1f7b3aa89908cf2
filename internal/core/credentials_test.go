package core_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestPasswordChangeRevokesSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	resA, pA := e.login(t, e.users, "alice@example.com", "correct horse")
	resB, _ := e.login(t, e.users, "alice@example.com", "correct horse")

	_, err := e.svc.UpdateUser(ctx, pA, e.users, u.ID, core.UserInput{Password: ptr("new password 1")})
	wantField(t, err, "oldPassword", core.FieldRequired)
	_, err = e.svc.UpdateUser(ctx, pA, e.users, u.ID, core.UserInput{Password: ptr("new password 1"), OldPassword: ptr("nope")})
	wantField(t, err, "oldPassword", core.FieldInvalidOldPassword)

	if _, err := e.svc.UpdateUser(ctx, pA, e.users, u.ID, core.UserInput{Password: ptr("new password 1"), OldPassword: ptr("correct horse")}); err != nil {
		t.Fatal(err)
	}
	for _, tok := range []string{resA.Token, resB.Token} {
		if _, err := e.svc.Authenticate(ctx, tok); err == nil {
			t.Error("a token from before the password change still authenticates")
		}
	}
	e.login(t, e.users, "alice@example.com", "new password 1")
}

func TestEmailChangeBySuperuserRevokesSessions(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	u := e.signUp(t, "alice@example.com", "correct horse")
	res, pa := e.login(t, e.users, "alice@example.com", "correct horse")

	// The user may not change email or verified directly.
	_, err := e.svc.UpdateUser(ctx, pa, e.users, u.ID, core.UserInput{Email: ptr("x@example.com")})
	wantField(t, err, "email", core.FieldValuesMismatch)
	_, err = e.svc.UpdateUser(ctx, pa, e.users, u.ID, core.UserInput{Verified: ptr(true)})
	wantField(t, err, "verified", core.FieldValuesMismatch)
	// Sending the current values is fine (SDKs send whole records back).
	if _, err := e.svc.UpdateUser(ctx, pa, e.users, u.ID, core.UserInput{Email: ptr("alice@example.com"), Verified: ptr(false), Name: ptr("Alice")}); err != nil {
		t.Fatal(err)
	}

	got, err := e.svc.UpdateUser(ctx, su, e.users, u.ID, core.UserInput{Email: ptr("alice2@example.com"), Verified: ptr(true)})
	if err != nil {
		t.Fatal(err)
	}
	if got.Email != "alice2@example.com" || !got.Verified || got.Name != "Alice" {
		t.Errorf("after superuser update: %+v", got)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Error("a token from before the email change still authenticates")
	}
}
