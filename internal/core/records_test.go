package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

func TestSignUpValidation(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	for _, tc := range []struct {
		name  string
		in    core.UserInput
		field string
		code  string
	}{
		{"missing email", core.UserInput{Password: ptr("correct horse")}, "email", core.FieldRequired},
		{"bad email", core.UserInput{Email: ptr("nope"), Password: ptr("correct horse")}, "email", core.FieldIsEmail},
		{"email too long", core.UserInput{Email: ptr(strings.Repeat("a", 64) + "@" + strings.Repeat("b", 186) + ".com"), Password: ptr("correct horse")}, "email", core.FieldIsEmail},
		{"taken email", core.UserInput{Email: ptr("alice@example.com"), Password: ptr("correct horse")}, "email", core.FieldNotUnique},
		{"short password", core.UserInput{Email: ptr("b@example.com"), Password: ptr("short")}, "password", core.FieldPasswordTooShort},
		{"long password", core.UserInput{Email: ptr("b@example.com"), Password: ptr(strings.Repeat("p", 72))}, "password", core.FieldPasswordTooLong},
		{"guest sets verified", core.UserInput{Email: ptr("b@example.com"), Password: ptr("correct horse"), Verified: ptr(true)}, "verified", core.FieldValuesMismatch},
		{"name with control chars", core.UserInput{Email: ptr("b@example.com"), Password: ptr("correct horse"), Name: ptr("a\x00b")}, "name", core.FieldControlChars},
		{"name with invalid UTF-8", core.UserInput{Email: ptr("b@example.com"), Password: ptr("correct horse"), Name: ptr("a\xffb")}, "name", core.FieldInvalidUTF8},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.CreateUser(ctx, nil, e.users, tc.in)
			wantField(t, err, tc.field, tc.code)
		})
	}
	// Emails are case-sensitive, as in PocketBase's default index.
	e.signUp(t, "Alice@example.com", "correct horse")
	// Guests cannot create superusers.
	_, err := e.svc.CreateUser(ctx, nil, e.supers, core.UserInput{Email: ptr("x@example.com"), Password: ptr("correct horse")})
	wantKind(t, err, core.KindForbidden, core.CodeRecordsRestricted)
}

func TestRecordAccessRules(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	a := e.signUp(t, "a@example.com", "correct horse")
	b := e.signUp(t, "b@example.com", "correct horse")
	_, pa := e.login(t, e.users, "a@example.com", "correct horse")

	if _, err := e.svc.ViewUser(ctx, pa, e.users, a.ID); err != nil {
		t.Errorf("view self = %v", err)
	}
	_, err := e.svc.ViewUser(ctx, pa, e.users, b.ID)
	wantKind(t, err, core.KindNotFound, "")
	_, err = e.svc.ViewUser(ctx, nil, e.users, a.ID)
	wantKind(t, err, core.KindNotFound, "")
	_, err = e.svc.UpdateUser(ctx, pa, e.users, b.ID, core.UserInput{Name: ptr("x")})
	wantKind(t, err, core.KindNotFound, "")
	err = e.svc.DeleteUser(ctx, pa, e.users, b.ID)
	wantKind(t, err, core.KindNotFound, "")
	_, err = e.svc.ListUsers(ctx, pa, e.supers, core.UserQuery{})
	wantKind(t, err, core.KindForbidden, core.CodeRecordsRestricted)

	page, err := e.svc.ListUsers(ctx, pa, e.users, core.UserQuery{})
	if err != nil || len(page.Users) != 1 || page.Users[0].ID != a.ID || page.Total != 1 {
		t.Errorf("user's list = %+v, %v; want only itself", page, err)
	}
	page, err = e.svc.ListUsers(ctx, nil, e.users, core.UserQuery{})
	if err != nil || len(page.Users) != 0 || page.Total != 0 {
		t.Errorf("guest list = %+v, %v; want empty", page, err)
	}
	page, err = e.svc.ListUsers(ctx, su, e.users, core.UserQuery{Sort: []core.SortField{{Field: "email", Desc: true}}})
	if err != nil || page.Total != 2 || page.Users[0].ID != b.ID {
		t.Errorf("superuser list = %+v, %v; want both, b first", page, err)
	}
	page, err = e.svc.ListUsers(ctx, su, e.users, core.UserQuery{Filter: core.Cond{Field: "email", Op: core.OpEq, Value: "a@example.com"}})
	if err != nil || page.Total != 1 || page.Users[0].ID != a.ID {
		t.Errorf("filtered list = %+v, %v", page, err)
	}
	_, err = e.svc.ListUsers(ctx, su, e.users, core.UserQuery{Filter: core.Cond{Field: "password_hash", Op: core.OpEq, Value: "x"}})
	wantKind(t, err, core.KindInvalid, "")
}

func TestLastSuperuserCannotBeDeleted(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	err := e.svc.DeleteUser(ctx, su, e.supers, su.User.ID)
	wantKind(t, err, core.KindInvalid, core.CodeLastSuperuser)
	if _, err := e.svc.UpsertSuperuser(ctx, "second@example.com", "secondpassword"); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.DeleteSuperuser(ctx, "second@example.com"); err != nil {
		t.Fatal(err)
	}
	err = e.svc.DeleteSuperuser(ctx, "root@example.com")
	wantKind(t, err, core.KindInvalid, core.CodeLastSuperuser)
}

func TestImpersonate(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	a := e.signUp(t, "a@example.com", "correct horse")
	_, pa := e.login(t, e.users, "a@example.com", "correct horse")

	_, err := e.svc.Impersonate(ctx, pa, e.users, a.ID, 0)
	wantKind(t, err, core.KindForbidden, core.CodeSuperuserRequired)
	_, err = e.svc.Impersonate(ctx, nil, e.users, a.ID, 0)
	wantKind(t, err, core.KindUnauthenticated, "")
	_, err = e.svc.Impersonate(ctx, su, e.users, "missing", 0)
	wantKind(t, err, core.KindNotFound, "")

	res, err := e.svc.Impersonate(ctx, su, e.users, a.ID, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if p.User.ID != a.ID || p.Refreshable || p.Session.ImpersonatorID != su.User.ID {
		t.Errorf("impersonation principal = user %s refreshable %v impersonator %q", p.User.ID, p.Refreshable, p.Session.ImpersonatorID)
	}
	if d := p.Expires.Sub(e.clock.Now()); d > time.Hour || d < time.Hour-2*time.Second {
		t.Errorf("impersonation token lives %v, want 1h", d)
	}
	again, err := e.svc.Refresh(ctx, p, e.users)
	if err != nil || again.Token != res.Token {
		t.Errorf("refresh of a static token = %v, same token %v; want the same token", err, again.Token == res.Token)
	}
}
