package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestResetRefusesSamePassword: a profile that refuses it answers a reset
// to the current password with password_unchanged and spends nothing; a
// new password then works and ends every session. Without the profile,
// the same password is accepted.
func TestResetRefusesSamePassword(t *testing.T) {
	base := newEnv(t)
	e := base.withProfile(t, core.Profile{RefuseSamePassword: true})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	old, _ := e.login(t, e.users, "alice@example.com", "correct horse")

	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "correct horse"})
	wantKind(t, err, core.KindForbidden, core.CodePasswordUnchanged)
	if _, err := e.svc.Authenticate(ctx, old.Token); err != nil {
		t.Fatalf("a refused reset ended a session: %v", err)
	}
	// A bad token is answered as one before any password comparison.
	err = e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok + "x", Password: "correct horse"})
	wantField(t, err, "token", core.FieldInvalidToken)

	if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "battery staple"}); err != nil {
		t.Fatalf("reset to a new password = %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, old.Token); err == nil {
		t.Error("a session survived the reset")
	}
	e.login(t, e.users, "alice@example.com", "battery staple")

	// The default profile lets a user reset to the same password.
	e.clock.Advance(3 * time.Minute) // past the resend throttle
	if err := base.svc.RequestPasswordReset(ctx, base.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok = base.mailTo(t, "alice@example.com")
	if err := base.svc.ConfirmPasswordReset(ctx, base.users, core.PasswordResetInput{Token: tok, Password: "battery staple"}); err != nil {
		t.Fatalf("default profile, same password = %v", err)
	}
}

// TestChangeRefusesSamePassword: with the profile, a user's change to
// the old password it gives is refused before any hashing; without it,
// it is accepted as before.
func TestChangeRefusesSamePassword(t *testing.T) {
	base := newEnv(t)
	e := base.withProfile(t, core.Profile{RefuseSamePassword: true})
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	same := "correct horse"
	_, err := e.svc.UpdateUser(ctx, p, e.users, u.ID, core.UserInput{Password: &same, OldPassword: &same})
	wantKind(t, err, core.KindForbidden, core.CodePasswordUnchanged)
	if _, err := e.svc.Authenticate(ctx, p.Token); err != nil {
		t.Fatalf("a refused change ended the session: %v", err)
	}
	wrong, next := "wrong horse", "battery staple"
	_, err = e.svc.UpdateUser(ctx, p, e.users, u.ID, core.UserInput{Password: &next, OldPassword: &wrong})
	wantField(t, err, "oldPassword", core.FieldInvalidOldPassword)
	if _, err := e.svc.UpdateUser(ctx, p, e.users, u.ID, core.UserInput{Password: &next, OldPassword: &same}); err != nil {
		t.Fatalf("a real change = %v", err)
	}
	_, p = base.login(t, base.users, "alice@example.com", "battery staple")
	if _, err := base.svc.UpdateUser(ctx, p, base.users, u.ID, core.UserInput{Password: &next, OldPassword: &next}); err != nil {
		t.Fatalf("default profile, same password = %v", err)
	}
}
