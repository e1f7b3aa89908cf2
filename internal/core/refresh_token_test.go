package core_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// refreshEnv has refresh tokens with a 10 s reuse grace.
func refreshEnv(t *testing.T) *env {
	return newEnvWith(t, func(s *core.Settings) { s.RefreshReuseGrace = 10 * time.Second })
}

// forRefreshEnvs runs test on a refreshEnv without the session cache,
// and with it (a minute: every entry stays fresh for the test), where
// rotations of tokens the service issued are decided from its memo and
// cache without a read (rotateIssued).
func forRefreshEnvs(t *testing.T, test func(t *testing.T, e *env)) {
	t.Run("uncached", func(t *testing.T) { test(t, refreshEnv(t)) })
	t.Run("cached", func(t *testing.T) {
		test(t, newEnvWith(t, func(s *core.Settings) {
			s.RefreshReuseGrace, s.SessionCacheTTL = 10*time.Second, time.Minute
		}))
	})
}

func loginWithRefresh(t *testing.T, e *env, email string) core.AuthResult {
	t.Helper()
	e.signUp(t, email, "correct horse")
	res, err := e.svc.LoginWithPassword(context.Background(), e.users, core.PasswordLogin{Identity: email, Password: "correct horse", RefreshToken: true})
	if err != nil {
		t.Fatal(err)
	}
	if res.RefreshToken == "" || !res.RefreshExpires.After(e.clock.Now()) {
		t.Fatalf("login asked for a refresh token, got %q expiring %v", res.RefreshToken, res.RefreshExpires)
	}
	return res
}

func TestRefreshTokenRotation(t *testing.T) { forRefreshEnvs(t, testRefreshTokenRotation) }

func testRefreshTokenRotation(t *testing.T, e *env) {
	ctx := context.Background()
	first := loginWithRefresh(t, e, "alice@example.com")

	e.clock.Advance(time.Second)
	second, err := e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if second.RefreshToken == first.RefreshToken || second.Token == first.Token || second.Session.ID != first.Session.ID {
		t.Fatal("rotation must give a new refresh token and access token for the same session")
	}
	if _, err := e.svc.Authenticate(ctx, second.Token); err != nil {
		t.Fatalf("rotated access token: %v", err)
	}
	// An honest retry within the grace window gets the same successor.
	e.clock.Advance(5 * time.Second)
	retry, err := e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	if err != nil {
		t.Fatalf("retry within grace: %v", err)
	}
	if retry.RefreshToken != second.RefreshToken {
		t.Fatal("retry within grace returned a different successor")
	}
	// The successor keeps working.
	third, err := e.svc.RefreshWithToken(ctx, e.users, second.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, third.Token); err != nil {
		t.Fatal(err)
	}
}

func TestRefreshTokenReuseRevokesSession(t *testing.T) {
	forRefreshEnvs(t, testRefreshTokenReuseRevokesSession)
}

func testRefreshTokenReuseRevokesSession(t *testing.T, e *env) {
	ctx := context.Background()
	first := loginWithRefresh(t, e, "alice@example.com")
	second, err := e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	if err != nil {
		t.Fatal(err)
	}

	// The stolen (already rotated) token comes back after the grace.
	e.clock.Advance(11 * time.Second)
	_, err = e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, core.CodeRefreshReuse)

	// The whole session is gone: its access tokens and refresh tokens.
	for _, tok := range []string{first.Token, second.Token} {
		if _, err := e.svc.Authenticate(ctx, tok); err == nil {
			t.Error("an access token of the revoked session still authenticates")
		}
	}
	_, err = e.svc.RefreshWithToken(ctx, e.users, second.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, "")

	page, err := e.db.ListAuditEvents(ctx, core.AuditQuery{Types: []string{core.AuditRefreshReuse}})
	if err != nil || page.Total != 1 || page.Events[0].TargetID != first.User.ID || page.Events[0].Details["session"] != first.Session.ID {
		t.Fatalf("reuse audit = %+v, %v", page, err)
	}
}

func TestRefreshTokenRejects(t *testing.T) { forRefreshEnvs(t, testRefreshTokenRejects) }

func testRefreshTokenRejects(t *testing.T, e *env) {
	ctx := context.Background()
	first := loginWithRefresh(t, e, "alice@example.com")
	for _, tok := range []string{"", "nope", first.Token, first.RefreshToken + "x"} {
		_, err := e.svc.RefreshWithToken(ctx, e.users, tok)
		wantKind(t, err, core.KindUnauthenticated, "")
	}
	_, err := e.svc.RefreshWithToken(ctx, e.supers, first.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, "")
	// Expired.
	e.clock.Advance(e.users.RefreshTokenTTL + time.Second)
	_, err = e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, "")
}

func TestRefreshTokenDiesWithPasswordChange(t *testing.T) {
	forRefreshEnvs(t, testRefreshTokenDiesWithPasswordChange)
}

func testRefreshTokenDiesWithPasswordChange(t *testing.T, e *env) {
	ctx := context.Background()
	first := loginWithRefresh(t, e, "alice@example.com")
	p, err := e.svc.Authenticate(ctx, first.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.UpdateUser(ctx, p, e.users, p.User.ID, core.UserInput{Password: ptr("new password 1"), OldPassword: ptr("correct horse")}); err != nil {
		t.Fatal(err)
	}
	_, err = e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
	wantKind(t, err, core.KindUnauthenticated, "")
}

// TestRefreshTokenRace fires 50 simultaneous refreshes with one token:
// exactly one rotation happens, every caller gets the same successor,
// and the session stays consistent (one live successor, still active).
func TestRefreshTokenRace(t *testing.T) { forRefreshEnvs(t, testRefreshTokenRace) }

func testRefreshTokenRace(t *testing.T, e *env) {
	ctx := context.Background()
	first := loginWithRefresh(t, e, "alice@example.com")
	const n = 50
	var wg sync.WaitGroup
	results := make([]core.AuthResult, n)
	errs := make([]error, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			results[i], errs[i] = e.svc.RefreshWithToken(ctx, e.users, first.RefreshToken)
		}()
	}
	close(start)
	wg.Wait()
	successors := map[string]bool{}
	for i := range n {
		if errs[i] != nil {
			t.Fatalf("refresh %d: %v", i, errs[i])
		}
		successors[results[i].RefreshToken] = true
	}
	if len(successors) != 1 {
		t.Fatalf("%d distinct successors from one token, want 1", len(successors))
	}
	next := results[0].RefreshToken
	// That one successor is live and rotates normally; the session is
	// intact.
	res, err := e.svc.RefreshWithToken(ctx, e.users, next)
	if err != nil {
		t.Fatalf("the single successor does not refresh: %v", err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatal(err)
	}
	sessions, err := e.db.ListUserSessions(ctx, first.User.ID, e.clock.Now())
	if err != nil || len(sessions) != 1 {
		t.Fatalf("sessions after the race = %v, %v; want the one live session", sessions, err)
	}
}

// Rotations write the session row at most once a minute (as PocketBase's
// refresh does), and the session still outlives every refresh token of
// it.
func TestRefreshRotationTouchesSessionOncePerMinute(t *testing.T) {
	forRefreshEnvs(t, testRefreshRotationTouchesSessionOncePerMinute)
}

func testRefreshRotationTouchesSessionOncePerMinute(t *testing.T, e *env) {
	ctx := context.Background()
	res := loginWithRefresh(t, e, "alice@example.com")
	stored := func() core.Session {
		t.Helper()
		s, err := e.db.SessionByID(ctx, res.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		if s.Expires.Before(res.RefreshExpires) {
			t.Fatalf("session expires %v, before its refresh token (%v)", s.Expires, res.RefreshExpires)
		}
		return s
	}
	rotate := func(after time.Duration) {
		t.Helper()
		e.clock.Advance(after)
		var err error
		if res, err = e.svc.RefreshWithToken(ctx, e.users, res.RefreshToken); err != nil {
			t.Fatal(err)
		}
	}

	rotate(time.Second)
	first := stored()
	if !first.LastUsed.Equal(e.clock.Now()) {
		t.Fatalf("first rotation: last used %v, want %v", first.LastUsed, e.clock.Now())
	}
	for range 3 {
		rotate(10 * time.Second)
		if got := stored(); !got.LastUsed.Equal(first.LastUsed) || !got.Expires.Equal(first.Expires) {
			t.Fatalf("rotation within the minute wrote the session: %v/%v, was %v/%v",
				got.LastUsed, got.Expires, first.LastUsed, first.Expires)
		}
	}
	rotate(31 * time.Second)
	if got := stored(); !got.LastUsed.Equal(e.clock.Now()) || !got.Expires.After(first.Expires) {
		t.Fatalf("rotation a minute on: last used %v (want %v), expires %v (was %v)",
			got.LastUsed, e.clock.Now(), got.Expires, first.Expires)
	}
}
