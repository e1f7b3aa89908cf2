package core_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestRegister checks the enumeration-safe sign-up: a new address gets
// an unverified account and a verification mail with the surface's
// link; a taken one (in any case) gets the same nil and nothing else.
func TestRegister(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{FoldEmailCase: true})
	ctx := context.Background()
	name := "Ada Lovelace"
	in := core.Registration{Email: "Ada@example.com", Password: "correct horse", Name: &name,
		ActionURL: "https://app.test/verify?token={TOKEN}"}
	if err := e.svc.Register(ctx, e.users, in); err != nil {
		t.Fatal(err)
	}
	link, tok := linkToken(t, e, "Ada@example.com")
	if link != "https://app.test/verify?token="+tok {
		t.Errorf("link = %q", link)
	}
	page, err := e.db.ListUsers(ctx, e.users.ID, core.UserQuery{})
	if err != nil || len(page.Users) != 1 {
		t.Fatalf("users = %v, %v; want one", page.Users, err)
	}
	u := page.Users[0]
	if u.Verified || u.Name != name {
		t.Errorf("registered user verified=%v name=%q", u.Verified, u.Name)
	}

	again := in
	again.Email = "ADA@example.com"
	if err := e.svc.Register(ctx, e.users, again); err != nil {
		t.Fatalf("registering a taken address = %v, want nil", err)
	}
	if n := len(e.DeliverAll(t)); n != 0 {
		t.Errorf("a taken address got %d mails", n)
	}
	if n, _ := e.db.CountUsers(ctx, e.users.ID); n != 1 {
		t.Errorf("users = %d after registering a taken address, want 1", n)
	}

	id, err := e.svc.ConfirmVerification(ctx, e.users, tok)
	if err != nil || id != u.ID {
		t.Fatalf("ConfirmVerification = %q, %v; want %q", id, err, u.ID)
	}
	if cur, _ := e.db.UserByID(ctx, e.users.ID, u.ID); !cur.Verified {
		t.Error("user not verified")
	}
	if _, err := e.svc.ConfirmVerification(ctx, e.users, "bogus"); err == nil {
		t.Error("ConfirmVerification accepted a bogus token")
	}

	wantField(t, e.svc.Register(ctx, e.users, core.Registration{Email: "nope", Password: "correct horse"}), "email", core.FieldIsEmail)
	wantField(t, e.svc.Register(ctx, e.users, core.Registration{Email: "bob@example.com", Password: "short"}), "password", core.FieldPasswordTooShort)
	wantKind(t, e.svc.Register(ctx, e.supers, core.Registration{Email: "eve@example.com", Password: "correct horse"}), core.KindForbidden, "")
}
