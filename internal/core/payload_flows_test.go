package core_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestProfileLockout: a profile's lockout policy replaces the server's
// for its logins: here 2 failures lock for 1 minute, where the server's
// policy would take 3.
func TestProfileLockout(t *testing.T) {
	e := lockoutEnv(t)
	p := e.withProfile(t, core.Profile{DiscloseLockout: true,
		Lockout: &core.LockoutPolicy{MaxFailures: 2, Window: time.Hour, Duration: time.Minute}})
	e.signUp(t, "alice@example.com", "correct horse")
	wantKind(t, tryLogin(p, "alice@example.com", "wrong"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	// the failure that reaches the max is still a wrong password
	wantKind(t, tryLogin(p, "alice@example.com", "wrong"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	wantKind(t, tryLogin(p, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeAccountLocked)
	e.clock.Advance(time.Minute + time.Second)
	if err := tryLogin(p, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login after the profile's lock time: %v", err)
	}
	// MaxFailures 0 turns the lockout off for the profile.
	off := e.withProfile(t, core.Profile{Lockout: &core.LockoutPolicy{}})
	for range 5 {
		tryLogin(off, "alice@example.com", "wrong")
	}
	if err := tryLogin(off, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login with the lockout off: %v", err)
	}
	if _, err := e.svc.WithProfile(core.Profile{Lockout: &core.LockoutPolicy{MaxFailures: 3}}); err == nil {
		t.Error("a lockout without window or duration was accepted")
	}
}

// TestRequireVerified: an unverified user's right password is refused
// with CodeEmailNotVerified; a wrong one stays a wrong password.
func TestRequireVerified(t *testing.T) {
	e := newEnv(t)
	p := e.withProfile(t, core.Profile{RequireVerified: true})
	e.signUp(t, "alice@example.com", "correct horse")
	wantKind(t, tryLogin(p, "alice@example.com", "wrong"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	wantKind(t, tryLogin(p, "alice@example.com", "correct horse"), core.KindForbidden, core.CodeEmailNotVerified)
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Errorf("a profile without the rule refused: %v", err)
	}
}

func TestUnlockByEmail(t *testing.T) {
	e := lockoutEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	e.signUp(t, "bob@example.com", "correct horse")
	_, bob := e.login(t, e.users, "bob@example.com", "correct horse")
	for range 3 {
		tryLogin(e, "alice@example.com", "wrong")
	}
	wantKind(t, e.svc.Unlock(ctx, nil, e.users, "alice@example.com", core.UnlockByMember), core.KindUnauthenticated, core.CodeAuthRequired)
	wantKind(t, e.svc.Unlock(ctx, bob, e.users, "alice@example.com", core.UnlockBySuperuser), core.KindForbidden, "")
	wantKind(t, e.svc.Unlock(ctx, bob, e.supers, "root@example.com", core.UnlockByMember), core.KindForbidden, "")
	wantKind(t, e.svc.Unlock(ctx, bob, e.users, "nobody@example.com", core.UnlockByMember), core.KindNotFound, "")
	wantField(t, e.svc.Unlock(ctx, bob, e.users, "", core.UnlockByMember), "email", core.FieldRequired)
	if err := e.svc.Unlock(ctx, bob, e.users, "alice@example.com", core.UnlockByMember); err != nil {
		t.Fatal(err)
	}
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	if err := e.svc.Unlock(ctx, e.superuser(t), e.users, "alice@example.com", core.UnlockBySuperuser); err != nil {
		t.Errorf("superuser unlock: %v", err)
	}
	if n := auditTypes(t, e)[core.AuditAccountUnlocked]; n != 2 {
		t.Errorf("%d unlock audit events, want 2", n)
	}
}

// TestFirstRegister: the first user of an empty collection is created
// verified and logged in, once, even when requests race; never in the
// superuser collection.
func TestFirstRegister(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	if ok, err := e.svc.Initialized(ctx, e.users); err != nil || ok {
		t.Fatalf("Initialized(empty) = %v, %v", ok, err)
	}
	pw := "correct horse"
	_, err := e.svc.FirstRegister(ctx, e.users, core.UserInput{Email: ptr("bad"), Password: &pw})
	wantField(t, err, "email", core.FieldIsEmail)
	var wg sync.WaitGroup
	results := make([]error, 4)
	tokens := make([]string, 4)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			email := string(rune('a'+i)) + "@example.com"
			res, err := e.svc.FirstRegister(ctx, e.users, core.UserInput{Email: &email, Password: &pw})
			results[i], tokens[i] = err, res.Token
		}()
	}
	wg.Wait()
	won := 0
	for i, err := range results {
		if err == nil {
			won++
			p, aerr := e.svc.Authenticate(ctx, tokens[i])
			if aerr != nil || !p.User.Verified {
				t.Errorf("winner's token: %v, verified %v", aerr, p != nil && p.User.Verified)
			}
			continue
		}
		wantKind(t, err, core.KindForbidden, core.CodeAlreadyInitialized)
	}
	if won != 1 {
		t.Fatalf("%d first registrations won, want 1", won)
	}
	if ok, _ := e.svc.Initialized(ctx, e.users); !ok {
		t.Error("Initialized after a first registration = false")
	}
	_, err = e.svc.FirstRegister(ctx, e.supers, core.UserInput{Email: ptr("root@example.com"), Password: &pw})
	wantKind(t, err, core.KindForbidden, core.CodeRecordsRestricted)
}

// TestPermissionsOf states core's rules for the permissions view.
func TestPermissionsOf(t *testing.T) {
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "correct horse")
	_, alice := e.login(t, e.users, "alice@example.com", "correct horse")
	su := e.superuser(t)
	for _, tc := range []struct {
		name string
		p    *core.Principal
		c    *core.Collection
		rule core.UnlockRule
		want core.Permissions
	}{
		{"guest", nil, e.users, core.UnlockByMember, core.Permissions{Create: true}},
		{"user", alice, e.users, core.UnlockByMember, core.Permissions{Admin: true, Create: true, Read: true, Update: true, Delete: true, Unlock: true}},
		{"user, superuser unlock", alice, e.users, core.UnlockBySuperuser, core.Permissions{Admin: true, Create: true, Read: true, Update: true, Delete: true}},
		{"user on superusers", alice, e.supers, core.UnlockByMember, core.Permissions{}},
		{"superuser", su, e.users, core.UnlockBySuperuser, core.Permissions{Admin: true, Create: true, Read: true, Update: true, Delete: true, Unlock: true}},
	} {
		if got := core.PermissionsOf(tc.p, tc.c, tc.rule); got != tc.want {
			t.Errorf("%s: %+v, want %+v", tc.name, got, tc.want)
		}
	}
}

// TestConfirmPasswordResetLogin: the reset opens a new session (the old
// ones end); a user with an authenticator app gets no session.
func TestConfirmPasswordResetLogin(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, old := e.login(t, e.users, "alice@example.com", "correct horse")
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, token := e.mailTo(t, "alice@example.com")
	res, err := e.svc.ConfirmPasswordResetLogin(ctx, e.users, core.PasswordResetInput{Token: token, Password: "new password 1"})
	if err != nil || res.Token == "" {
		t.Fatalf("ConfirmPasswordResetLogin = %+v, %v", res, err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Errorf("new token: %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, old.Token); err == nil {
		t.Error("the old session survived the reset")
	}
	_, err = e.svc.ConfirmPasswordResetLogin(ctx, e.users, core.PasswordResetInput{Token: token, Password: "new password 2"})
	wantField(t, err, "token", core.FieldInvalidToken)
}

// TestCreateUserAndMailVerification mails a verification link to a new
// unverified user, at the surface's link.
func TestCreateUserAndMailVerification(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	email, pw := "eve@example.com", "correct horse"
	u, err := e.svc.CreateUserAndMailVerification(ctx, nil, e.users, core.UserInput{Email: &email, Password: &pw},
		"https://cms.example/admin/users/verify/{TOKEN}")
	if err != nil || u.Verified {
		t.Fatalf("create = %+v, %v", u, err)
	}
	msgs := e.DeliverAll(t)
	if len(msgs) != 1 || msgs[0].To != email || !strings.Contains(msgs[0].Text, "https://cms.example/admin/users/verify/") {
		t.Fatalf("mail = %+v", msgs)
	}
}
