package core_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestVerificationFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")

	// Unknown addresses get the same answer and no mail.
	if err := e.svc.RequestVerification(ctx, e.users, core.MailRequest{Email: "nobody@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RequestVerification(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	// A second request within the throttle sends nothing more.
	if err := e.svc.RequestVerification(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 1 {
		t.Fatalf("pending mail = %d, want 1", n)
	}
	msg, tok := e.mailTo(t, "alice@example.com")
	if !strings.Contains(msg.Text, "http://app.test/_/#/auth/confirm-verification/"+tok) || !strings.Contains(msg.Subject, "Acme") {
		t.Errorf("mail = %q / %q", msg.Subject, msg.Text)
	}

	if id, err := e.svc.ConfirmVerification(ctx, e.users, tok); err != nil || id != u.ID {
		t.Fatalf("confirm = %q, %v; want %q", id, err, u.ID)
	}
	got, _ := e.db.UserByID(ctx, e.users.ID, u.ID)
	if !got.Verified {
		t.Fatal("user not verified after confirm")
	}
	// Confirming again succeeds (PocketBase compatibility) and changes nothing.
	if _, err := e.svc.ConfirmVerification(ctx, e.users, tok); err != nil {
		t.Errorf("second confirm = %v, want nil", err)
	}
	// Verified users get no more mail.
	if err := e.svc.RequestVerification(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	if n, _ := e.db.PendingMail(ctx); n != 0 {
		t.Errorf("pending mail after request for a verified user = %d, want 0", n)
	}

	_, err := e.svc.ConfirmVerification(ctx, e.users, tok[:len(tok)-3]+"abc")
	wantField(t, err, "token", core.FieldInvalidToken)
	_, err = e.svc.ConfirmVerification(ctx, e.supers, tok)
	wantKind(t, err, core.KindInvalid, core.CodeSuperuserVerified)
	err = e.svc.RequestVerification(ctx, e.users, core.MailRequest{Email: "not an email"})
	wantField(t, err, "email", core.FieldIsEmail)
}

func TestPasswordResetFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	old, _ := e.login(t, e.users, "alice@example.com", "correct horse")

	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "nobody@example.com"}); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")

	err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "short"})
	wantField(t, err, "password", core.FieldLengthOutOfRange)
	if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "brand new pass"}); err != nil {
		t.Fatal(err)
	}
	err = e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "another new pass"})
	wantField(t, err, "token", core.FieldInvalidToken)
	if _, err := e.svc.Authenticate(ctx, old.Token); err == nil {
		t.Error("token from before the reset still authenticates")
	}
	res, _ := e.login(t, e.users, "alice@example.com", "brand new pass")
	if !res.User.Verified {
		t.Error("reset via the mailed link should verify the address")
	}
}

func TestResetTokenExpires(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	e.clock.Advance(e.users.PasswordResetTTL + time.Second)
	err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "brand new pass"})
	wantField(t, err, "token", core.FieldInvalidToken)
}

func TestResetTokenSingleUseUnderConcurrency(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	var wg sync.WaitGroup
	var ok atomic.Int32
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "concurrent pass " + string(rune('a'+i))}) == nil {
				ok.Add(1)
			}
		}()
	}
	wg.Wait()
	if ok.Load() != 1 {
		t.Fatalf("%d concurrent resets with one token succeeded, want 1", ok.Load())
	}
}

func TestEmailChangeFlow(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "taken@example.com", "correct horse")
	res, p := e.login(t, e.users, "alice@example.com", "correct horse")

	err := e.svc.RequestEmailChange(ctx, nil, e.users, "new@example.com")
	wantKind(t, err, core.KindUnauthenticated, "")
	err = e.svc.RequestEmailChange(ctx, p, e.users, "alice@example.com")
	wantField(t, err, "newEmail", core.FieldNotInInvalid)
	err = e.svc.RequestEmailChange(ctx, p, e.users, "taken@example.com")
	wantField(t, err, "newEmail", core.FieldInvalidNewEmail)

	if err := e.svc.RequestEmailChange(ctx, p, e.users, "new@example.com"); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "new@example.com") // the mail goes to the new address

	err = e.svc.ConfirmEmailChange(ctx, e.users, tok, "wrong password")
	wantField(t, err, "password", core.FieldInvalidPassword)
	if err := e.svc.ConfirmEmailChange(ctx, e.users, tok, "correct horse"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Error("token from before the email change still authenticates")
	}
	got, _ := e.login(t, e.users, "new@example.com", "correct horse")
	if !got.User.Verified {
		t.Error("confirmed new email should be verified")
	}
	err = e.svc.ConfirmEmailChange(ctx, e.users, tok, "correct horse")
	wantField(t, err, "token", core.FieldInvalidToken)
}
