package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/tokens"
	"github.com/google/go-cmp/cmp"
)

// TestExtraAccessClaims: the extra-claims hook's claims come out, after
// the standard ones, in a token that verifies with the server's keys, in
// the shapes the next surfaces need (Payload: collection, email;
// AccountMaker: acc, role, app).
func TestExtraAccessClaims(t *testing.T) {
	e := newEnv(t)
	u := e.signUp(t, "alice@example.com", "correct horse")
	var calls int
	core.SetExtraClaims(e.svc, func(c *core.Collection, u core.User) []core.Claim {
		calls++
		return []core.Claim{
			{Name: "collection", Value: c.Name},
			{Name: "email", Value: u.Email},
			{Name: "acc", Value: map[string]any{"id": "acc_1", "plan": "pro", "seats": 3}},
			{Name: "role", Value: "owner"},
			{Name: "app", Value: 7},
		}
	})
	res, p := e.login(t, e.users, "alice@example.com", "correct horse")
	if calls != 1 || p.User.ID != u.ID {
		t.Fatalf("hook called %d times, principal %s; want once, %s", calls, p.User.ID, u.ID)
	}
	keys, err := tokens.LoadOrCreate(context.Background(), e.db, e.clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	claims, err := keys.Verify(res.Token)
	if err != nil {
		t.Fatalf("Verify(token with extra claims) = %v", err)
	}
	want := map[string]any{
		"collection": "users", "email": "alice@example.com",
		"acc":  map[string]any{"id": "acc_1", "plan": "pro", "seats": float64(3)},
		"role": "owner", "app": float64(7),
	}
	for name, v := range want {
		if diff := cmp.Diff(v, claims[name]); diff != "" {
			t.Errorf("claim %q (-want +got):\n%s", name, diff)
		}
	}
	if claims["sub"] != u.ID || claims["id"] != u.ID || claims["type"] != "auth" || claims["collectionId"] != e.users.ID {
		t.Errorf("standard claims = %v, want them intact beside the extra ones", claims)
	}
}

// TestExtraAccessClaimsNeverOverwrite: a hook that names a standard claim
// makes the login fail rather than sign a token whose sub (or any other
// standard claim) says something else.
func TestExtraAccessClaimsNeverOverwrite(t *testing.T) {
	e := newEnv(t)
	e.signUp(t, "alice@example.com", "correct horse")
	for _, name := range []string{"sub", "type", "SID"} {
		core.SetExtraClaims(e.svc, func(*core.Collection, core.User) []core.Claim {
			return []core.Claim{{Name: name, Value: "someone-else"}}
		})
		res, err := e.svc.LoginWithPassword(context.Background(), e.users,
			core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
		if !errors.Is(err, tokens.ErrBadClaim) || res.Token != "" {
			t.Errorf("login with extra claim %q = token %q, %v; want no token and ErrBadClaim", name, res.Token, err)
		}
		wantKind(t, err, core.KindInternal, "")
	}
}
