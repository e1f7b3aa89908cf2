package core_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestFreshTokens: under MintClaims a login's token is fresh (sudo) and a
// refresh's is not; RequireFresh makes the flows that change how an
// account is reached, or delete it, refuse the renewed token with
// reauthentication_required, and accept the fresh one. A profile without
// the flags mints no such claims and refuses nothing.
func TestFreshTokens(t *testing.T) {
	t.Parallel()
	e := newEnv(t).withProfile(t, core.Profile{MintClaims: true, RequireFresh: true})
	ctx := context.Background()
	e.signUp(t, "sudo@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "sudo@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	fresh, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil || !fresh.Fresh {
		t.Fatalf("login token: %v, fresh %v", err, fresh != nil && fresh.Fresh)
	}
	renewed, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := e.svc.Authenticate(ctx, renewed.Token)
	if err != nil || stale.Fresh {
		t.Fatalf("renewed token: %v, fresh %v", err, stale != nil && stale.Fresh)
	}
	pw, email := "another horse", "sudo2@example.com"
	refusals := map[string]error{
		"UpdateUser password": func() error {
			_, err := e.svc.UpdateUser(ctx, stale, e.users, stale.User.ID, core.UserInput{Password: &pw, OldPassword: ptr("correct horse")})
			return err
		}(),
		"UpdateUser email": func() error {
			_, err := e.svc.UpdateUser(ctx, stale, e.users, stale.User.ID, core.UserInput{Email: &email})
			return err
		}(),
		"RequestEmailChange": e.svc.RequestEmailChange(ctx, stale, e.users, email),
		"EnrollTOTP": func() error {
			_, err := e.svc.EnrollTOTP(ctx, stale, e.users, "correct horse")
			return err
		}(),
		"DisableTOTP": e.svc.DisableTOTP(ctx, stale, e.users, "123456"),
		"RegenerateRecoveryCodes": func() error {
			_, err := e.svc.RegenerateRecoveryCodes(ctx, stale, e.users, "123456")
			return err
		}(),
		"DeleteUser": e.svc.DeleteUser(ctx, stale, e.users, stale.User.ID),
	}
	for name, err := range refusals {
		t.Run(name, func(t *testing.T) { wantKind(t, err, core.KindForbidden, core.CodeReauthRequired) })
	}
	// A non-sensitive change goes through with the renewed token.
	if _, err := e.svc.UpdateUser(ctx, stale, e.users, stale.User.ID, core.UserInput{Profile: map[string]any{"city": "Oslo"}}); err != nil {
		t.Errorf("profile update with a renewed token: %v", err)
	}
	if err := e.svc.DeleteUser(ctx, fresh, e.users, fresh.User.ID); err != nil {
		t.Errorf("DeleteUser with a fresh token: %v", err)
	}

	// Without the flags: no claim, nothing refused.
	plain := newEnv(t)
	plain.signUp(t, "plain@example.com", "correct horse")
	_, p := plain.login(t, plain.users, "plain@example.com", "correct horse")
	if p.Fresh {
		t.Error("a profile without MintClaims minted a fresh token")
	}
	if err := plain.svc.DeleteUser(ctx, p, plain.users, p.User.ID); err != nil {
		t.Errorf("DeleteUser without RequireFresh: %v", err)
	}
}

// TestMintClaimsReserved: a profile may not declare claims named like
// core's own.
func TestMintClaimsReserved(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	for _, name := range []string{"sudo", "Authorized"} {
		p := core.Profile{Claims: []core.AccessClaim{{Name: name, Value: func(*core.Collection, core.User) any { return true }}}}
		if _, err := e.svc.WithProfile(p); err == nil {
			t.Errorf("a profile claim named %q was accepted", name)
		}
	}
}

// TestSingleSession: a login of a SingleSession profile ends the user's
// other sessions, in every collection's flows alike, and only the user's.
func TestSingleSession(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	one := e.withProfile(t, core.Profile{SingleSession: true})
	ctx := context.Background()
	e.signUp(t, "a@example.com", "correct horse")
	e.signUp(t, "b@example.com", "correct horse")
	_, before := e.login(t, e.users, "a@example.com", "correct horse")
	_, other := e.login(t, e.users, "b@example.com", "correct horse")
	_, after := one.login(t, one.users, "a@example.com", "correct horse")
	if _, err := e.svc.Authenticate(ctx, before.Token); err == nil {
		t.Error("the earlier session survived a single-session login")
	}
	for _, p := range []*core.Principal{after, other} {
		if _, err := e.svc.Authenticate(ctx, p.Token); err != nil {
			t.Errorf("session of %s ended: %v", p.User.Email, err)
		}
	}
}

// TestFoldingProfileRefusesCaseTwin: a profile that folds email case
// refuses a sign-up whose address differs from a user's only in case.
func TestFoldingProfileRefusesCaseTwin(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	e.signUp(t, "twin@example.com", "correct horse")
	fold := e.withProfile(t, core.Profile{FoldEmailCase: true})
	email, pw := "Twin@Example.com", "correct horse"
	_, err := fold.svc.CreateUser(context.Background(), nil, fold.users, core.UserInput{Email: &email, Password: &pw})
	if e := core.AsError(err); e.Kind != core.KindInvalid || e.Fields["email"].Code != core.FieldNotUnique {
		t.Errorf("case twin under folding: %v", err)
	}
	if _, err := e.svc.CreateUser(context.Background(), nil, e.users, core.UserInput{Email: &email, Password: &pw}); err != nil {
		t.Errorf("case twin without folding: %v", err)
	}
}
