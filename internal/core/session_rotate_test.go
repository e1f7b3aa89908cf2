package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestRotateSession checks that a rotation hands out a token of a new
// session with the asked lifetime, keeps the old token working for the
// grace only, and carries the session's methods over.
func TestRotateSession(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{Tokens: core.TokenOptions{SessionTTL: 24 * time.Hour, SessionGrace: 10 * time.Second}})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	if err != nil {
		t.Fatal(err)
	}
	p, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	e.clock.Advance(time.Minute)
	next, err := e.svc.RotateSession(ctx, p, e.users)
	if err != nil {
		t.Fatal(err)
	}
	if next.Session.ID == res.Session.ID || next.Token == res.Token || next.AccessTTL != 24*time.Hour {
		t.Fatalf("rotation gave session %s (old %s), ttl %v", next.Session.ID, res.Session.ID, next.AccessTTL)
	}
	np, err := e.svc.Authenticate(ctx, next.Token)
	if err != nil {
		t.Fatal(err)
	}
	if len(np.Session.AMR) != 1 || np.Session.AMR[0] != "pwd" {
		t.Errorf("new session AMR = %v, want [pwd]", np.Session.AMR)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("old token within the grace: %v", err)
	}
	e.clock.Advance(10 * time.Second)
	_, err = e.svc.Authenticate(ctx, res.Token)
	wantReason(t, err, core.ErrSessionEnded)
	if _, err := e.svc.Authenticate(ctx, next.Token); err != nil {
		t.Fatalf("new token after the grace: %v", err)
	}
	// The retired session cannot be rotated again.
	_, err = e.svc.RotateSession(ctx, p, e.users)
	wantReason(t, err, core.ErrSessionEnded)
	if res.AccessTTL != 24*time.Hour {
		t.Errorf("a login without refresh token lives %v, want the profile's SessionTTL", res.AccessTTL)
	}
}

// TestRotateSessionRefuseLocked checks the lockout refusal of a rotation.
func TestRotateSessionRefuseLocked(t *testing.T) {
	base := newEnvWith(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 1, Window: time.Minute, Duration: time.Minute}
	})
	e := base.withProfile(t, core.Profile{RefuseLockedRefresh: true})
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, other := e.login(t, e.users, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")
	_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "alice@example.com", Password: "nope nope"})
	wantKind(t, err, core.KindUnauthenticated, "")
	// Without the profile's refusal a rotation goes ahead while locked.
	if _, err := base.svc.RotateSession(ctx, other, e.users); err != nil {
		t.Fatalf("rotation without RefuseLockedRefresh: %v", err)
	}
	_, err = e.svc.RotateSession(ctx, p, e.users)
	wantKind(t, err, core.KindUnauthenticated, core.CodeAccountLocked)
	if _, err := e.svc.Authenticate(ctx, p.Token); err != nil {
		t.Fatalf("a refused rotation must leave the session alone: %v", err)
	}
}

// TestLogoutRefreshToken checks that logging out with a refresh token ends
// its session, and that unknown tokens are no error.
func TestLogoutRefreshToken(t *testing.T) {
	e := refreshEnv(t)
	ctx := context.Background()
	res := loginWithRefresh(t, e, "alice@example.com")
	for _, tok := range []string{"", "unknown", string(make([]byte, 600))} {
		if err := e.svc.LogoutRefreshToken(ctx, e.users, tok); err != nil {
			t.Errorf("LogoutRefreshToken(%.10q) = %v, want nil", tok, err)
		}
	}
	// Another collection's surface cannot end this session.
	if err := e.svc.LogoutRefreshToken(ctx, e.supers, res.RefreshToken); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("a logout through another collection ended the session: %v", err)
	}
	if err := e.svc.LogoutRefreshToken(ctx, e.users, res.RefreshToken); err != nil {
		t.Fatal(err)
	}
	_, err := e.svc.Authenticate(ctx, res.Token)
	wantReason(t, err, core.ErrSessionEnded)
	_, err = e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, "")
	if err := e.svc.LogoutRefreshToken(ctx, e.users, res.RefreshToken); err != nil {
		t.Fatalf("second logout = %v, want nil", err)
	}
}
