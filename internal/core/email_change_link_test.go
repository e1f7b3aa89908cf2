package core_test

import (
	"context"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

const changeURL = "http://api.test/hook/confirm-email-link/{TOKEN}"

func TestEmailChangeByLink(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	res, p := e.login(t, e.users, "alice@example.com", "correct horse")

	err := e.svc.RequestEmailChangeByLink(ctx, p, e.users, core.EmailChangeRequest{NewEmail: "bob@example.com", ActionURL: changeURL})
	wantField(t, err, "newEmail", core.FieldInvalidNewEmail)
	err = e.svc.RequestEmailChangeByLink(ctx, p, e.users, core.EmailChangeRequest{NewEmail: "alice@example.com", ActionURL: changeURL})
	wantField(t, err, "newEmail", core.FieldNotInInvalid)
	err = e.svc.RequestEmailChangeByLink(ctx, nil, e.users, core.EmailChangeRequest{NewEmail: "new@example.com", ActionURL: changeURL})
	if err == nil {
		t.Fatal("a guest asked for an email change")
	}

	if err := e.svc.RequestEmailChangeByLink(ctx, p, e.users, core.EmailChangeRequest{NewEmail: "new@example.com", ActionURL: changeURL}); err != nil {
		t.Fatal(err)
	}
	msg, tok := e.mailTo(t, "new@example.com")
	if !strings.Contains(msg.Text, "http://api.test/hook/confirm-email-link/"+tok) {
		t.Fatalf("mail = %q", msg.Text)
	}
	// The password-confirmed flow does not take this token.
	err = e.svc.ConfirmEmailChange(ctx, e.users, tok, "correct horse")
	wantField(t, err, "token", core.FieldInvalidToken)

	if err := e.svc.ConfirmEmailChangeByLink(ctx, e.users, tok); err != nil {
		t.Fatalf("ConfirmEmailChangeByLink = %v", err)
	}
	got, _ := e.db.UserByID(ctx, e.users.ID, u.ID)
	if got.Email != "new@example.com" || !got.Verified {
		t.Fatalf("user = %q verified %v", got.Email, got.Verified)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Error("a session survived the email change")
	}
	err = e.svc.ConfirmEmailChangeByLink(ctx, e.users, tok)
	wantField(t, err, "token", core.FieldInvalidToken)
	err = e.svc.ConfirmEmailChangeByLink(ctx, e.users, "")
	wantField(t, err, "token", core.FieldRequired)
	err = e.svc.ConfirmEmailChangeByLink(ctx, e.users, "not.a.token")
	wantField(t, err, "token", core.FieldInvalidToken)

	// A token of the password-confirmed flow is refused without the
	// password.
	_, p = e.login(t, e.users, "new@example.com", "correct horse")
	if err := e.svc.RequestEmailChange(ctx, p, e.users, "other@example.com"); err != nil {
		t.Fatal(err)
	}
	_, pwTok := e.mailTo(t, "other@example.com")
	err = e.svc.ConfirmEmailChangeByLink(ctx, e.users, pwTok)
	wantField(t, err, "token", core.FieldInvalidToken)
	if got, _ := e.db.UserByID(ctx, e.users.ID, u.ID); got.Email != "new@example.com" {
		t.Fatalf("email = %q after a refused confirmation", got.Email)
	}
}
