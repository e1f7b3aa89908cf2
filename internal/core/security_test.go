package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

func lockoutEnv(t *testing.T) *env {
	return newEnvWith(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 3, Window: 10 * time.Minute, Duration: 10 * time.Minute}
	})
}

func tryLogin(e *env, email, pw string) error {
	_, err := e.svc.LoginWithPassword(context.Background(), e.users, core.PasswordLogin{Identity: email, Password: pw})
	return err
}

func TestLockoutAndAutomaticUnlock(t *testing.T) {
	e := lockoutEnv(t)
	e.signUp(t, "alice@example.com", "correct horse")
	for range 3 {
		wantKind(t, tryLogin(e, "alice@example.com", "wrong"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	}
	// Locked: even the right password fails. By default the answer is
	// a wrong password's, with no wait to tell of the lock.
	ce := wantKind(t, tryLogin(e, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	if ce.RetryAfter != 0 {
		t.Errorf("a hidden lock told its wait: RetryAfter = %v", ce.RetryAfter)
	}
	// A surface that asks for it explicitly learns of the lock.
	disclosing := e.withProfile(t, core.Profile{DiscloseLockout: true})
	ce = wantKind(t, tryLogin(disclosing, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeAccountLocked)
	if ce.RetryAfter <= 0 || ce.RetryAfter > 10*time.Minute {
		t.Errorf("RetryAfter = %v", ce.RetryAfter)
	}
	e.clock.Advance(9 * time.Minute)
	wantKind(t, tryLogin(disclosing, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeAccountLocked)
	// The lock lifts by itself.
	e.clock.Advance(2 * time.Minute)
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login after the lock ended: %v", err)
	}
	types := auditTypes(t, e)
	if types[core.AuditAccountLocked] != 1 || types[core.AuditLoginFailure] != 6 || types[core.AuditLoginSuccess] != 1 {
		t.Errorf("audit types = %v", types)
	}
}

func TestLockoutWindowAndReset(t *testing.T) {
	e := lockoutEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	// Failures spread beyond the window do not add up.
	tryLogin(e, "alice@example.com", "wrong")
	tryLogin(e, "alice@example.com", "wrong")
	e.clock.Advance(11 * time.Minute)
	tryLogin(e, "alice@example.com", "wrong")
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("two old failures and one new locked the account: %v", err)
	}
	// A success resets the count.
	tryLogin(e, "alice@example.com", "wrong")
	tryLogin(e, "alice@example.com", "wrong")
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatal(err)
	}
	tryLogin(e, "alice@example.com", "wrong")
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("count was not reset by the success: %v", err)
	}
	// A password reset unlocks.
	for range 3 {
		tryLogin(e, "alice@example.com", "wrong")
	}
	wantKind(t, tryLogin(e, "alice@example.com", "correct horse"), core.KindUnauthenticated, core.CodeInvalidCredentials)
	if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
		t.Fatal(err)
	}
	_, tok := e.mailTo(t, "alice@example.com")
	if err := e.svc.ConfirmPasswordReset(ctx, e.users, core.PasswordResetInput{Token: tok, Password: "brand new pass"}); err != nil {
		t.Fatal(err)
	}
	if err := tryLogin(e, "alice@example.com", "brand new pass"); err != nil {
		t.Fatalf("login after reset: %v", err)
	}
}

func TestSuperuserUnlock(t *testing.T) {
	e := lockoutEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	u := e.signUp(t, "alice@example.com", "correct horse")
	_, pb := e.login(t, e.users, e.signUp(t, "bob@example.com", "correct horse").Email, "correct horse")
	for range 3 {
		tryLogin(e, "alice@example.com", "wrong")
	}
	wantKind(t, e.svc.UnlockUser(ctx, pb, e.users, u.ID), core.KindForbidden, "")
	wantKind(t, e.svc.UnlockUser(ctx, su, e.users, "missing"), core.KindNotFound, "")
	if err := e.svc.UnlockUser(ctx, su, e.users, u.ID); err != nil {
		t.Fatal(err)
	}
	if err := tryLogin(e, "alice@example.com", "correct horse"); err != nil {
		t.Fatalf("login after unlock: %v", err)
	}
	if auditTypes(t, e)[core.AuditAccountUnlocked] != 1 {
		t.Error("unlock was not audited")
	}
}

func TestRateLimits(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) {
		s.RateLimits = core.RateLimits{
			core.ActionLogin:         {PerIP: core.Limit{Max: 5, Window: time.Minute}, PerIdentity: core.Limit{Max: 3, Window: time.Minute}},
			core.ActionPasswordReset: {PerIP: core.Limit{Max: 2, Window: time.Minute}},
		}
	})
	ctx := core.WithClient(context.Background(), core.Client{IP: "203.0.113.9"})
	e.signUp(t, "alice@example.com", "correct horse")
	login := func(id string) error {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: id, Password: "correct horse"})
		return err
	}
	for range 3 {
		if err := login("alice@example.com"); err != nil {
			t.Fatal(err)
		}
	}
	ce := wantKind(t, login("alice@example.com"), core.KindRateLimited, core.CodeRateLimited)
	if ce.RetryAfter < time.Second || ce.RetryAfter > time.Minute {
		t.Errorf("RetryAfter = %v", ce.RetryAfter)
	}
	// Another identity from the same IP still has IP budget (5 in all,
	// the refused one counted).
	wantKind(t, login("bob@example.com"), core.KindUnauthenticated, "")
	wantKind(t, login("carol@example.com"), core.KindRateLimited, "")
	// Another IP is unaffected, and the window recovers.
	other := core.WithClient(context.Background(), core.Client{IP: "198.51.100.1"})
	if _, err := e.svc.LoginWithPassword(other, e.users, core.PasswordLogin{Identity: "dave@example.com", Password: "x"}); err == nil || core.AsError(err).Kind == core.KindRateLimited {
		t.Errorf("other IP: %v", err)
	}
	e.clock.Advance(time.Minute)
	if err := login("alice@example.com"); err != nil {
		t.Fatalf("after the window: %v", err)
	}
	// Unknown and known addresses are limited alike (no enumeration).
	for _, addr := range []string{"alice@example.com", "nobody@example.com"} {
		if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: addr}); err != nil {
			t.Fatal(err)
		}
	}
	wantKind(t, e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "nobody@example.com"}), core.KindRateLimited, "")
}

func TestSessionInventory(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	u := e.signUp(t, "alice@example.com", "correct horse")
	_, laptop := e.login(t, e.users, "alice@example.com", "correct horse")
	e.clock.Advance(time.Second)
	_, phone := e.login(t, e.users, "alice@example.com", "correct horse")
	e.clock.Advance(time.Second)
	_, tablet := e.login(t, e.users, "alice@example.com", "correct horse")
	other := e.signUp(t, "bob@example.com", "correct horse")
	_, bob := e.login(t, e.users, "bob@example.com", "correct horse")

	list, err := e.svc.ListSessions(ctx, laptop, e.users, u.ID)
	if err != nil || len(list) != 3 {
		t.Fatalf("ListSessions = %d sessions, %v; want 3", len(list), err)
	}
	_, err = e.svc.ListSessions(ctx, bob, e.users, u.ID)
	wantKind(t, err, core.KindNotFound, "")
	if got, err := e.svc.ListSessions(ctx, su, e.users, other.ID); err != nil || len(got) != 1 {
		t.Fatalf("superuser ListSessions(bob) = %v, %v", got, err)
	}

	// Revoke one: the phone's token dies at once, the others live.
	if err := e.svc.RevokeSession(ctx, laptop, e.users, u.ID, phone.Session.ID); err != nil {
		t.Fatal(err)
	}
	mustReject(t, e, phone.Token)
	mustAccept(t, e, laptop.Token)
	wantKind(t, e.svc.RevokeSession(ctx, laptop, e.users, u.ID, phone.Session.ID), core.KindNotFound, "")
	wantKind(t, e.svc.RevokeSession(ctx, bob, e.users, u.ID, laptop.Session.ID), core.KindNotFound, "")
	wantKind(t, e.svc.RevokeSession(ctx, laptop, e.users, u.ID, bob.Session.ID), core.KindNotFound, "")

	// Log out others keeps the caller's session.
	if n, err := e.svc.LogoutOthers(ctx, laptop, e.users); err != nil || n != 1 {
		t.Fatalf("LogoutOthers = %d, %v; want 1 (the tablet)", n, err)
	}
	mustReject(t, e, tablet.Token)
	mustAccept(t, e, laptop.Token)
	// Log out this session.
	if err := e.svc.Logout(ctx, laptop, e.users); err != nil {
		t.Fatal(err)
	}
	mustReject(t, e, laptop.Token)
	// Log out everywhere; a superuser revokes someone else's session.
	_, again := e.login(t, e.users, "alice@example.com", "correct horse")
	if n, err := e.svc.LogoutAll(ctx, again, e.users); err != nil || n != 1 {
		t.Fatalf("LogoutAll = %d, %v", n, err)
	}
	mustReject(t, e, again.Token)
	if err := e.svc.RevokeSession(ctx, su, e.users, other.ID, bob.Session.ID); err != nil {
		t.Fatal(err)
	}
	mustReject(t, e, bob.Token)
	if auditTypes(t, e)[core.AuditSessionRevoked] != 5 {
		t.Errorf("session.revoked events = %d, want 5", auditTypes(t, e)[core.AuditSessionRevoked])
	}
}

func TestAuditQuery(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	su := e.superuser(t)
	u := e.signUp(t, "alice@example.com", "correct horse")
	e.clock.Advance(time.Second)
	_, pa := e.login(t, e.users, "alice@example.com", "correct horse")
	e.clock.Advance(time.Second)
	tryLogin(e, "alice@example.com", "wrong")

	page, err := e.svc.ListAudit(ctx, su, core.AuditQuery{UserID: u.ID})
	if err != nil {
		t.Fatal(err)
	}
	var types []string
	for _, ev := range page.Events {
		types = append(types, ev.Type)
	}
	want := []string{core.AuditLoginFailure, core.AuditLoginSuccess, core.AuditUserCreated}
	if len(types) != 3 || types[0] != want[0] || types[1] != want[1] || types[2] != want[2] {
		t.Errorf("alice's events newest first = %v, want %v", types, want)
	}
	if page.Events[0].Details["reason"] != "bad_password" {
		t.Errorf("failure details = %v", page.Events[0].Details)
	}
	_, err = e.svc.ListAudit(ctx, pa, core.AuditQuery{})
	wantKind(t, err, core.KindForbidden, "")
	_, err = e.svc.ListAudit(ctx, nil, core.AuditQuery{})
	wantKind(t, err, core.KindUnauthenticated, "")
}

func auditTypes(t *testing.T, e *env) map[string]int {
	t.Helper()
	page, err := e.db.ListAuditEvents(context.Background(), core.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]int{}
	for _, ev := range page.Events {
		out[ev.Type]++
	}
	return out
}

func mustReject(t *testing.T, e *env, token string) {
	t.Helper()
	if _, err := e.svc.Authenticate(context.Background(), token); err == nil {
		t.Error("a revoked session's token still authenticates")
	}
}

func mustAccept(t *testing.T, e *env, token string) {
	t.Helper()
	if _, err := e.svc.Authenticate(context.Background(), token); err != nil {
		t.Errorf("a live session's token is refused: %v", err)
	}
}
