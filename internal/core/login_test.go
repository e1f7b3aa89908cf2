package core_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"golang.org/x/crypto/bcrypt"
)

func TestLoginWithPassword(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	u := e.signUp(t, "alice@example.com", "correct horse")

	res, p := e.login(t, e.users, "alice@example.com", "correct horse")
	if res.User.ID != u.ID || p.User.ID != u.ID || p.Session.ID != res.Session.ID {
		t.Fatalf("login returned user %s / principal %s, want %s", res.User.ID, p.User.ID, u.ID)
	}
	if got := p.Session.AMR; len(got) != 1 || got[0] != "pwd" {
		t.Errorf("session AMR = %v, want [pwd]", got)
	}

	for _, tc := range []struct{ name, identity, password string }{
		{"wrong password", "alice@example.com", "wrong horse"},
		{"unknown identity", "bob@example.com", "correct horse"},
		{"case differs", "ALICE@example.com", "correct horse"},
		{"not email-shaped", "alice", "correct horse"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: tc.identity, Password: tc.password})
			ce := wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
			if ce.RetryAfter != 0 || len(ce.Params) != 0 {
				t.Errorf("a failed login tells more than that it failed: %+v", ce)
			}
		})
	}

	t.Run("validation", func(t *testing.T) {
		_, err := e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "", Password: ""})
		wantField(t, err, "identity", core.FieldRequired)
		_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: "a@b.co", Password: "x", IdentityField: "username"})
		wantField(t, err, "identityField", core.FieldInInvalid)
		_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: strings.Repeat("a", 256), Password: "x"})
		wantField(t, err, "identity", core.FieldLengthOutOfRange)
	})

	t.Run("other collection", func(t *testing.T) {
		_, err := e.svc.LoginWithPassword(ctx, e.supers, core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
		wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
	})
}

func TestLoginUpgradesImportedBcrypt(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	hash, err := bcrypt.GenerateFromPassword([]byte("imported pass"), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	now := e.clock.Now()
	u := core.User{ID: core.NewID(), CollectionID: e.users.ID, Email: "old@example.com", PasswordHash: string(hash), Created: now, Updated: now}
	if err := e.db.InsertUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	e.login(t, e.users, "old@example.com", "imported pass")
	got, err := e.db.UserByID(ctx, e.users.ID, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
		t.Fatalf("hash after login = %q, want an argon2id rehash", got.PasswordHash[:10])
	}
	e.login(t, e.users, "old@example.com", "imported pass") // the new hash verifies
}

func TestAuthenticateRejects(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")

	t.Run("garbage", func(t *testing.T) {
		for _, tok := range []string{"", "x", "a.b.c", strings.Repeat("A", 5000)} {
			_, err := e.svc.Authenticate(ctx, tok)
			wantKind(t, err, core.KindUnauthenticated, "")
		}
	})
	t.Run("expired", func(t *testing.T) {
		res, _ := e.login(t, e.users, "alice@example.com", "correct horse")
		e.clock.Advance(e.users.AuthTokenTTL + time.Second)
		defer e.clock.Advance(-(e.users.AuthTokenTTL + time.Second))
		_, err := e.svc.Authenticate(ctx, res.Token)
		wantKind(t, err, core.KindUnauthenticated, "")
	})
	t.Run("one-time token is not an access token", func(t *testing.T) {
		if err := e.svc.RequestPasswordReset(ctx, e.users, core.MailRequest{Email: "alice@example.com"}); err != nil {
			t.Fatal(err)
		}
		_, tok := e.mailTo(t, "alice@example.com")
		_, err := e.svc.Authenticate(ctx, tok)
		wantKind(t, err, core.KindUnauthenticated, "")
	})
	t.Run("deleted user", func(t *testing.T) {
		u := e.signUp(t, "gone@example.com", "correct horse")
		res, p := e.login(t, e.users, "gone@example.com", "correct horse")
		if err := e.svc.DeleteUser(ctx, p, e.users, u.ID); err != nil {
			t.Fatal(err)
		}
		_, err := e.svc.Authenticate(ctx, res.Token)
		wantKind(t, err, core.KindUnauthenticated, "")
	})
}

func TestRefresh(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	_, p := e.login(t, e.users, "alice@example.com", "correct horse")

	e.clock.Advance(10 * time.Second)
	res, err := e.svc.Refresh(ctx, p, e.users)
	if err != nil {
		t.Fatal(err)
	}
	if res.Token == p.Token {
		t.Error("refresh returned the same token for a refreshable session")
	}
	p2, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatal(err)
	}
	if p2.Session.ID != p.Session.ID || !p2.Expires.After(p.Expires) {
		t.Errorf("refreshed token: session %s exp %v; want session %s and a later exp than %v", p2.Session.ID, p2.Expires, p.Session.ID, p.Expires)
	}

	_, err = e.svc.Refresh(ctx, nil, e.users)
	wantKind(t, err, core.KindUnauthenticated, core.CodeAuthRequired)
	_, err = e.svc.Refresh(ctx, p, e.supers)
	ce := wantKind(t, err, core.KindForbidden, core.CodeCollectionMismatch)
	if ce.Params["collection"] != "users" {
		t.Errorf("params = %v, want the caller's collection", ce.Params)
	}
}

// Refreshes write to their session at most once a minute, and the
// session always outlives the newest token.
func TestRefreshTouchesSessionSparingly(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "rita@example.com", "correct horse")
	_, p := e.login(t, e.users, "rita@example.com", "correct horse")
	stored := func() core.Session {
		t.Helper()
		s, err := e.db.SessionByID(ctx, p.Session.ID)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	refresh := func() *core.Principal {
		t.Helper()
		res, err := e.svc.Refresh(ctx, p, e.users)
		if err != nil {
			t.Fatal(err)
		}
		np, err := e.svc.Authenticate(ctx, res.Token)
		if err != nil {
			t.Fatal(err)
		}
		if s := stored(); s.Expires.Before(np.Expires) {
			t.Fatalf("session expires %v before its token %v", s.Expires, np.Expires)
		}
		return np
	}
	e.clock.Advance(5 * time.Second)
	p = refresh()
	first := stored()
	if !first.LastUsed.Equal(e.clock.Now().UTC().Truncate(time.Millisecond)) {
		t.Errorf("first refresh: last_used = %v, want now", first.LastUsed)
	}
	e.clock.Advance(20 * time.Second)
	p = refresh()
	if got := stored(); !got.LastUsed.Equal(first.LastUsed) || !got.Expires.Equal(first.Expires) {
		t.Errorf("a refresh 20 s later wrote the session: %v/%v, was %v/%v", got.LastUsed, got.Expires, first.LastUsed, first.Expires)
	}
	e.clock.Advance(time.Minute)
	refresh()
	if got := stored(); !got.LastUsed.After(first.LastUsed) {
		t.Errorf("a refresh a minute later did not record the use: last_used %v", got.LastUsed)
	}
}
