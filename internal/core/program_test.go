package core_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The embedding program unlocks without a caller to check, and the
// audit log says it did.
func TestProgramUnlock(t *testing.T) {
	e := lockoutEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	for range 3 {
		tryLogin(e, "alice@example.com", "wrong")
	}
	if err := tryLogin(e, "alice@example.com", "correct horse"); err == nil {
		t.Fatal("the account did not lock")
	}
	prog := e.svc.Program()
	wantKind(t, prog.Unlock(ctx, e.users, "nobody@example.com"), core.KindNotFound, "")
	wantField(t, prog.Unlock(ctx, e.users, ""), "email", core.FieldRequired)
	if err := prog.Unlock(ctx, e.users, "alice@example.com"); err != nil {
		t.Fatal(err)
	}
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login after the program's unlock: %v", err)
	}
	if n := auditTypes(t, e)[core.AuditAccountUnlocked]; n != 1 {
		t.Errorf("%d unlock audit events, want 1", n)
	}
}

// A reset token issued for the program resets the password like a
// mailed one; without mail nothing is queued, with mail the user gets it.
func TestProgramIssuePasswordReset(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	prog := e.svc.Program()

	token, err := prog.IssuePasswordReset(ctx, e.users, "alice@example.com", false)
	if err != nil || token == "" {
		t.Fatalf("IssuePasswordReset = %q, %v", token, err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Fatalf("%d mails queued for a token the program delivers itself", n)
	}
	if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: token, Password: "new horse battery"}); err != nil {
		t.Fatal(err)
	}
	if err := tryLogin(e, "alice@example.com", "new horse battery"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}

	mailed, err := prog.IssuePasswordReset(ctx, e.users, "alice@example.com", true)
	if err != nil {
		t.Fatal(err)
	}
	if _, got := e.mailTo(t, "alice@example.com"); got != mailed {
		t.Errorf("the mailed token differs from the one returned")
	}
	_, err = prog.IssuePasswordReset(ctx, e.users, "nobody@example.com", false)
	wantKind(t, err, core.KindNotFound, "")
	_, err = prog.IssuePasswordReset(ctx, e.users, "not an email", false)
	wantField(t, err, "email", core.FieldIsEmail)
}
