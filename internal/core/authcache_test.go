package core_test

import (
	"context"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// With the session cache on, what this node revokes is refused at once,
// and what another node revokes (a write straight to the shared store)
// within the cache's TTL.
func TestSessionCache(t *testing.T) {
	const ttl = 300 * time.Millisecond
	e := newEnvWith(t, func(s *core.Settings) { s.SessionCacheTTL = ttl })
	ctx := context.Background()
	u := e.signUp(t, "cora@example.com", "correct horse")

	// Logout here: refused by the next request.
	res, p := e.login(t, e.users, "cora@example.com", "correct horse")
	if err := e.svc.Logout(ctx, p, e.users); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Fatal("a session logged out on this node was still accepted")
	}

	// A password change here ends every session at once.
	res, p = e.login(t, e.users, "cora@example.com", "correct horse")
	in := core.UserInput{OldPassword: ptr("correct horse"), Password: ptr("new horse battery"), PasswordConfirm: ptr("new horse battery")}
	if _, err := e.svc.UpdateUser(ctx, p, e.users, u.ID, in); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Fatal("a session was accepted after the password changed on this node")
	}

	// Another node revokes: this node may serve its cached check for up
	// to the TTL, and no longer.
	res, _ = e.login(t, e.users, "cora@example.com", "new horse battery")
	p, err := e.svc.Authenticate(ctx, res.Token) // cached now
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.RevokeSession(ctx, p.Session.ID, "other node", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for {
		_, err := e.svc.Authenticate(ctx, res.Token)
		if err != nil {
			break
		}
		if time.Since(revoked) > ttl+200*time.Millisecond {
			t.Fatalf("a session revoked elsewhere was accepted %s later (TTL %s)", time.Since(revoked), ttl)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// A transaction that changes no user and ends no session (a login, a
// failed login) leaves the cache alone; one that ends a session empties
// it. Another node's revocation, written straight to the store, shows
// which: the cached check survives the first kind, not the second.
func TestSessionCacheKeptByUnrelatedTransactions(t *testing.T) {
	e := newEnvWith(t, func(s *core.Settings) { s.SessionCacheTTL = time.Second })
	ctx := context.Background()
	e.signUp(t, "dora@example.com", "correct horse")
	e.signUp(t, "eve@example.com", "correct horse")
	res, _ := e.login(t, e.users, "dora@example.com", "correct horse")
	p, err := e.svc.Authenticate(ctx, res.Token) // cached now
	if err != nil {
		t.Fatal(err)
	}
	if err := e.db.RevokeSession(ctx, p.Session.ID, "other node", e.clock.Now()); err != nil {
		t.Fatal(err)
	}
	// Another user's login and a failed login: both transactions.
	e.login(t, e.users, "eve@example.com", "correct horse")
	if _, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "eve@example.com", Password: "wrong"}); err == nil {
		t.Fatal("a wrong password logged in")
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err != nil {
		t.Fatalf("the cached check was dropped by unrelated transactions: %v", err)
	}
	// Eve logs out on this node: a transaction that ends a session.
	_, p2 := e.login(t, e.users, "eve@example.com", "correct horse")
	if err := e.svc.Logout(ctx, p2, e.users); err != nil {
		t.Fatal(err)
	}
	if _, err := e.svc.Authenticate(ctx, res.Token); err == nil {
		t.Fatal("the cache outlived a transaction that ended a session")
	}
}
