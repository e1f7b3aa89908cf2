package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/tokens"
	"github.com/google/go-cmp/cmp"
)

// TestExtraAccessClaims: a profile's claims come out, after the standard
// ones, in a token that verifies with the server's keys, in the shapes
// the next surfaces need (Payload: collection, email; AccountMaker: acc,
// role, app); a service without them signs none.
func TestExtraAccessClaims(t *testing.T) {
	base := newEnv(t)
	u := base.signUp(t, "alice@example.com", "correct horse")
	var calls int
	e := base.withProfile(t, core.Profile{Claims: []core.AccessClaim{
		{Name: "collection", Value: func(c *core.Collection, _ core.User) any { calls++; return c.Name }},
		{Name: "email", Value: func(_ *core.Collection, u core.User) any { return u.Email }},
		{Name: "acc", Value: func(*core.Collection, core.User) any {
			return map[string]any{"id": "acc_1", "plan": "pro", "seats": 3}
		}},
		{Name: "role", Value: func(*core.Collection, core.User) any { return "owner" }},
		{Name: "app", Value: func(*core.Collection, core.User) any { return 7 }},
	}})
	res, p := e.login(t, e.users, "alice@example.com", "correct horse")
	if calls != 1 || p.User.ID != u.ID {
		t.Fatalf("claim computed %d times, principal %s; want once, %s", calls, p.User.ID, u.ID)
	}
	plain, _ := base.login(t, e.users, "alice@example.com", "correct horse")
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
	plainClaims, err := keys.Verify(plain.Token)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := plainClaims["role"]; ok {
		t.Errorf("a service without the profile signed its claims: %v", plainClaims)
	}
}

// TestExtraAccessClaimsNeverOverwrite: a profile naming a standard claim
// (in any letter case), or one name twice, is refused when it is
// applied, so no token can ever say another sub.
func TestExtraAccessClaimsNeverOverwrite(t *testing.T) {
	e := newEnv(t)
	val := func(*core.Collection, core.User) any { return "someone-else" }
	for _, claims := range [][]core.AccessClaim{
		{{Name: "sub", Value: val}},
		{{Name: "type", Value: val}},
		{{Name: "SID", Value: val}},
		{{Name: "", Value: val}},
		{{Name: "role", Value: val}, {Name: "Role", Value: val}},
		{{Name: "role"}},
	} {
		if _, err := e.svc.WithProfile(core.Profile{Claims: claims}); err == nil {
			t.Errorf("WithProfile(claims %v) = nil, want a refusal", claims[len(claims)-1].Name)
		}
	}
}

// TestExtraAccessClaimUnencodable: a claim value JSON cannot hold makes
// the login fail (internal) rather than sign a token without it.
func TestExtraAccessClaimUnencodable(t *testing.T) {
	e := newEnv(t).withProfile(t, core.Profile{Claims: []core.AccessClaim{
		{Name: "bad", Value: func(*core.Collection, core.User) any { return make(chan int) }},
	}})
	e.signUp(t, "alice@example.com", "correct horse")
	res, err := e.svc.LoginWithPassword(context.Background(), e.users,
		core.PasswordLogin{Identity: "alice@example.com", Password: "correct horse"})
	if !errors.Is(err, tokens.ErrBadClaim) || res.Token != "" {
		t.Errorf("login with an unencodable claim = token %q, %v; want no token and ErrBadClaim", res.Token, err)
	}
	wantKind(t, err, core.KindInternal, "")
}
