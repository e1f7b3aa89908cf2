package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestProfileNoReuseGrace: with the server's grace a rotated refresh
// token retried at once gets its successor back; a profile without grace
// treats the retry as a replay and revokes the session.
func TestProfileNoReuseGrace(t *testing.T) {
	e := refreshEnv(t)
	ctx := context.Background()
	res := loginWithRefresh(t, e, "alice@example.com")
	first, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	again, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil || again.RefreshToken != first.RefreshToken {
		t.Fatalf("retry within the grace = %v; want the same successor", err)
	}

	strict := e.withProfile(t, core.Profile{NoReuseGrace: true})
	res = loginWithRefresh(t, strict, "bob@example.com")
	next, err := strict.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	_, err = strict.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshReuse)
	_, err = strict.svc.RefreshWithToken(ctx, e.users, next.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshInvalid)
}

// TestProfileIdentityRateLimitKey: the per-identity login counter is one
// per address whatever its letter case and whichever profile (surface)
// the attempts come through, so neither buys fresh attempts.
func TestProfileIdentityRateLimitKey(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) {
		s.RateLimits = core.RateLimits{core.ActionLogin: {PerIdentity: core.Limit{Max: 3, Window: time.Minute}}}
	})
	folding := e.withProfile(t, core.Profile{FoldEmailCase: true})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	try := func(svc *core.Service, identity string) error {
		_, err := svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: identity, Password: "wrong"})
		return err
	}
	wantKind(t, try(e.svc, "alice@example.com"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	wantKind(t, try(e.svc, "ALICE@example.com"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	wantKind(t, try(folding.svc, "Alice@Example.com"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	wantKind(t, try(e.svc, "alice@EXAMPLE.com"), core.KindRateLimited, core.CodeRateLimited)
	wantKind(t, try(folding.svc, "alice@example.com"), core.KindRateLimited, core.CodeRateLimited)
}

// TestProfileTimingFloors: a profile's floors pad a flow's every answer
// (success, unknown account, bad input) to at least the floor; NoFloor
// pads nothing.
func TestProfileTimingFloors(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	const floor = 120 * time.Millisecond
	padded, err := e.svc.WithProfile(core.Profile{Floors: core.TimingFloors{Login: floor, Register: floor, MailRequest: floor}})
	if err != nil {
		t.Fatal(err)
	}
	for name, call := range map[string]func() error{
		"login success": func() error {
			_, err := padded.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
			return err
		},
		"login unknown": func() error {
			_, err := padded.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "nobody@example.com", Password: "correct horse"})
			return err
		},
		"register taken": func() error {
			return padded.Register(ctx, e.users, core.Registration{Email: "alice@example.com", Password: "correct horse"})
		},
		"reset unknown": func() error {
			return padded.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "nobody@example.com"})
		},
		"verification bad input": func() error {
			return padded.RequestVerification(ctx, e.users, core.MailRequest{Email: "not an email"})
		},
		"otp request": func() error {
			_, err := padded.RequestOTP(ctx, e.users, "nobody@example.com")
			return err
		},
	} {
		start := time.Now()
		_ = call()
		if took := time.Since(start); took < floor {
			t.Errorf("%s answered after %v, want at least the floor %v", name, took, floor)
		}
	}
	// The Env's own service is unpadded: an unknown reset answers fast.
	start := time.Now()
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "nobody@example.com"}); err != nil {
		t.Fatal(err)
	}
	if took := time.Since(start); took >= floor {
		t.Errorf("an unpadded request took %v", took)
	}
	// A request whose client is gone is not held to the floor.
	gone, cancel := context.WithCancel(ctx)
	cancel()
	start = time.Now()
	_ = padded.RequestPasswordReset(gone, e.users, core.MailRequest{Email: "nobody@example.com"})
	if took := time.Since(start); took >= floor {
		t.Errorf("a cancelled request was held %v", took)
	}
}

// TestProfileValidate: WithProfile refuses values out of range, naming
// the field.
func TestProfileValidate(t *testing.T) {
	e := newEnv(t)
	for _, tc := range []struct {
		p    core.Profile
		want string
	}{
		{core.Profile{Tokens: core.TokenOptions{AccessTTL: time.Second}}, "AccessTTL"},
		{core.Profile{Tokens: core.TokenOptions{SessionTTL: 100 * 365 * 24 * time.Hour}}, "SessionTTL"},
		{core.Profile{Tokens: core.TokenOptions{SessionGrace: -time.Second}}, "SessionGrace"},
		{core.Profile{Floors: core.TimingFloors{Login: -2 * time.Second}}, "Login"},
		{core.Profile{Floors: core.TimingFloors{Register: time.Hour}}, "Register"},
	} {
		if _, err := e.svc.WithProfile(tc.p); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("WithProfile(%+v) = %v, want an error naming %s", tc.p, err, tc.want)
		}
	}
}

// TestZeroReuseGrace: a server configured with no reuse grace treats a
// second use as a replay even within the same millisecond (the test
// clock does not move between the two).
func TestZeroReuseGrace(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) { s.RefreshReuseGrace = 0 })
	ctx := context.Background()
	res := loginWithRefresh(t, e, "alice@example.com")
	if _, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshReuse)
}
