package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// freshPrincipals logs alice in under e's profile and returns a fresh
// principal (the login's token) and a stale one (its renewal's).
func freshPrincipals(t *testing.T, e *env) (fresh, stale *core.Principal) {
	t.Helper()
	ctx := context.Background()
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	if fresh, err = e.svc.Authenticate(ctx, res.Token); err != nil || !fresh.Fresh {
		t.Fatalf("login token: %+v, %v; want fresh", fresh, err)
	}
	renewed, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if stale, err = e.svc.Authenticate(ctx, renewed.Token); err != nil || stale.Fresh {
		t.Fatalf("renewed token: %+v, %v; want not fresh", stale, err)
	}
	return fresh, stale
}

func TestTOTPFreshFlows(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	fresh, stale := freshPrincipals(t, e)
	e.verify(t, fresh)
	e.verify(t, stale)

	// A renewed token proves nothing.
	_, err := e.svc.EnrollTOTPFresh(ctx, stale, e.users)
	wantKind(t, err, core.KindForbidden, core.CodeReauthRequired)
	_, err = e.svc.RenewRecoveryCodesFresh(ctx, fresh, e.users)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPNotEnabled)
	err = e.svc.DisableTOTPFresh(ctx, fresh, e.users)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPNotEnabled)

	en, err := e.svc.EnrollTOTPFresh(ctx, fresh, e.users)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.ConfirmTOTP(ctx, stale, e.users, "", rfc6238(t, en.Secret, e.clock.Now())); err != nil {
		t.Fatalf("confirm (needs no sudo): %v", err)
	}
	_, err = e.svc.EnrollTOTPFresh(ctx, fresh, e.users)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPEnabled)

	_, err = e.svc.RenewRecoveryCodesFresh(ctx, stale, e.users)
	wantKind(t, err, core.KindForbidden, core.CodeReauthRequired)
	codes, err := e.svc.RenewRecoveryCodesFresh(ctx, fresh, e.users)
	if err != nil || len(codes) != 10 {
		t.Fatalf("renew codes = %q, %v", codes, err)
	}
	if st, _ := e.svc.TOTPStatusOf(ctx, fresh, e.users); !st.Enabled || st.RecoveryCodesLeft != 10 {
		t.Errorf("status = %+v", st)
	}

	err = e.svc.DisableTOTPFresh(ctx, stale, e.users)
	wantKind(t, err, core.KindForbidden, core.CodeReauthRequired)
	if err := e.svc.DisableTOTPFresh(ctx, fresh, e.users); err != nil {
		t.Fatal(err)
	}
	if st, _ := e.svc.TOTPStatusOf(ctx, fresh, e.users); st.Enabled || st.Pending {
		t.Errorf("status after disable = %+v", st)
	}
}

// TestTOTPFreshNeedsProfile: without FreshReplacesProof even a fresh
// token does not replace the password or a code.
func TestTOTPFreshNeedsProfile(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{MintClaims: true})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	fresh, _ := freshPrincipals(t, e)
	e.verify(t, fresh)
	_, err := e.svc.EnrollTOTPFresh(ctx, fresh, e.users)
	wantKind(t, err, core.KindForbidden, core.CodeReauthRequired)
	err = e.svc.DisableTOTPFresh(ctx, fresh, e.users)
	wantKind(t, err, core.KindForbidden, core.CodeReauthRequired)
}

// TestStepUp: a renewed (not fresh) caller proves the app again and gets
// a new session whose token is fresh; wrong and replayed codes are
// refused; a recovery code works once and says how many are left.
func TestStepUp(t *testing.T) {
	e := newEnv(t).withProfile(t, pendingProfile())
	ctx := context.Background()
	secret, codes := pendingUser(t, e)
	pl, err := e.svc.AuthenticatePending(ctx, e.users, e.pendingLogin(t).Token)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(30 * time.Second)
	full, err := e.svc.CompletePendingTOTP(ctx, pl, rfc6238(t, secret, e.clock.Now()))
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := e.svc.RefreshWithToken(ctx, e.users, full.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	stale, err := e.svc.Authenticate(ctx, renewed.Token)
	if err != nil || stale.Fresh {
		t.Fatalf("renewed = %+v, %v", stale, err)
	}
	_, err = e.svc.StepUpTOTP(ctx, stale, e.users, "000000", true)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	// The code that completed the login is spent.
	_, err = e.svc.StepUpTOTP(ctx, stale, e.users, rfc6238(t, secret, e.clock.Now()), true)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	_, err = e.svc.StepUpTOTP(ctx, stale, e.users, codes[0], true)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
	e.clock.Advance(30 * time.Second)
	up, err := e.svc.StepUpTOTP(ctx, stale, e.users, rfc6238(t, secret, e.clock.Now()), true)
	if err != nil || up.RefreshToken == "" || up.Session.ID == stale.Session.ID {
		t.Fatalf("step-up = %+v, %v", up, err)
	}
	if p, err := e.svc.Authenticate(ctx, up.Token); err != nil || !p.Fresh {
		t.Fatalf("stepped-up token = %+v, %v; want fresh", p, err)
	}
	_, _, err = e.svc.StepUpRecovery(ctx, stale, e.users, "12", true)
	wantField(t, err, "code", core.FieldInvalidFormat)
	res, left, err := e.svc.StepUpRecovery(ctx, stale, e.users, codes[2], false)
	if err != nil || left != 9 || res.RefreshToken != "" {
		t.Fatalf("step-up by recovery = %+v, %d, %v", res, left, err)
	}
	_, _, err = e.svc.StepUpRecovery(ctx, stale, e.users, codes[2], false)
	wantKind(t, err, core.KindInvalid, core.CodeTOTPInvalid)
}
