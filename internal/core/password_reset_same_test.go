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
