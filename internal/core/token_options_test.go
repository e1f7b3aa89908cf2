package core_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestTokenOptions checks that a profile's logins and refreshes issue
// tokens with the surface's own lifetimes, and report the access token's
// real lifetime, while the collection's defaults stay as they were.
func TestTokenOptions(t *testing.T) {
	base := refreshEnv(t)
	e := base.withProfile(t, core.Profile{Tokens: core.TokenOptions{AccessTTL: 15 * time.Minute, RefreshTTL: 7 * 24 * time.Hour}})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{
		Identity: "alice@example.com", Password: "correct horse", RefreshToken: true,
	})
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	if res.AccessTTL != 15*time.Minute {
		t.Errorf("AccessTTL = %v, want 15m", res.AccessTTL)
	}
	if got := res.RefreshExpires.Sub(now); got != 7*24*time.Hour {
		t.Errorf("refresh lifetime = %v, want 7d", got)
	}
	p, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Expires.Sub(now); got != 15*time.Minute {
		t.Errorf("token exp - now = %v, want 15m", got)
	}

	e.clock.Advance(time.Minute)
	next, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if next.AccessTTL != 15*time.Minute || next.RefreshExpires.Sub(e.clock.Now()) != 7*24*time.Hour {
		t.Errorf("refresh: AccessTTL %v, refresh lifetime %v; want 15m, 7d", next.AccessTTL, next.RefreshExpires.Sub(e.clock.Now()))
	}

	// AccessExpires is each token's exp, which surfaces repeat without
	// parsing the token: the login's, the refresh token's and a sliding
	// refresh's (core.Service.Refresh).
	wantAccessExpires(t, e, "login", res)
	wantAccessExpires(t, e, "refresh token", next)
	pn, err := e.svc.Authenticate(ctx, next.Token)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	slid, err := e.svc.Refresh(ctx, pn, e.users)
	if err != nil {
		t.Fatal(err)
	}
	wantAccessExpires(t, e, "sliding refresh", slid)

	// Without a profile the collection's lifetimes apply, as before.
	plain, err := base.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	if plain.AccessTTL != e.users.AuthTokenTTL {
		t.Errorf("default AccessTTL = %v, want the collection's %v", plain.AccessTTL, e.users.AuthTokenTTL)
	}
}

// TestAuthenticateReasons checks the cause a refused token carries, which
// the Directus surface turns into TOKEN_EXPIRED, INVALID_TOKEN or
// INVALID_CREDENTIALS.
func TestAuthenticateReasons(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	res, p := e.login(t, e.users, "alice@example.com", "correct horse")

	_, err := e.svc.Authenticate(ctx, res.Token[:len(res.Token)-4]+"AAAA")
	wantReason(t, err, core.ErrTokenInvalid)
	_, err = e.svc.Authenticate(ctx, "not-a-jwt")
	wantReason(t, err, core.ErrTokenMalformed)

	if err := e.svc.Logout(ctx, p, e.users); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.Authenticate(ctx, res.Token)
	wantReason(t, err, core.ErrSessionEnded)

	res2, _ := e.login(t, e.users, "alice@example.com", "correct horse")
	e.clock.Advance(e.users.AuthTokenTTL + time.Second)
	_, err = e.svc.Authenticate(ctx, res2.Token)
	wantReason(t, err, core.ErrTokenExpired)
}

func wantReason(t *testing.T, err, reason error) {
	t.Helper()
	wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired)
	if !errors.Is(err, reason) {
		t.Fatalf("err = %v, want cause %v", err, reason)
	}
}

// TestRefreshRefuseLocked checks that a locked account's refresh token is
// refused while the lock holds, without being spent, and works again once
// the lock ends.
func TestRefreshRefuseLocked(t *testing.T) {
	plain := newEnvWith(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 2, Window: 10 * time.Minute, Duration: 10 * time.Minute}
		s.RefreshReuseGrace = 10 * time.Second
	})
	e := plain.withProfile(t, core.Profile{RefuseLockedRefresh: true})
	ctx := context.Background()
	res := loginWithRefresh(t, e, "alice@example.com")
	other, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "wrong horse"})
		wantKind(t, err, core.KindUnauthenticated, "")
	}
	_, err = e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeAccountLocked)
	if until, err := e.svc.LockedUntil(ctx, res.User.ID); err != nil || until.IsZero() {
		t.Fatalf("LockedUntil = %v, %v; want a time", until, err)
	}
	// A refresh without the refusal (PocketBase's profile) is not affected.
	if _, err := plain.svc.RefreshWithToken(ctx, e.users, other.RefreshToken); err != nil {
		t.Fatalf("refresh without RefuseLocked while locked: %v", err)
	}
	e.clock.Advance(11 * time.Minute)
	if until, _ := e.svc.LockedUntil(ctx, res.User.ID); !until.IsZero() {
		t.Fatalf("LockedUntil after the lock = %v, want zero", until)
	}
	// The refused token was not rotated: it works (no reuse detection).
	if _, err := e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken); err != nil {
		t.Fatalf("refresh after the lock ended: %v", err)
	}
}

// wantAccessExpires checks that res.AccessExpires is its token's exp.
func wantAccessExpires(t *testing.T, e *env, what string, res core.AuthResult) {
	t.Helper()
	p, err := e.svc.Authenticate(context.Background(), res.Token)
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	if res.AccessExpires.IsZero() || res.AccessExpires.Unix() != p.Expires.Unix() {
		t.Errorf("%s: AccessExpires %v, the token's exp %v", what, res.AccessExpires, p.Expires)
	}
}
