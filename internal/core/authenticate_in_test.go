package core_test

import (
	"context"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestAuthenticateIn checks a surface bound to a collection refuses
// another collection's valid token (ErrWrongCollection), and that nil
// binds to none.
func TestAuthenticateIn(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	e.signUp(t, "alice@example.com", "correct horse")
	res, _ := e.login(t, e.users, "alice@example.com", "correct horse")

	p, err := e.svc.AuthenticateIn(ctx, e.users, res.Token)
	if err != nil || p.User.Email != "alice@example.com" {
		t.Fatalf("own collection: %v, %v", p, err)
	}
	if p, err := e.svc.AuthenticateIn(ctx, nil, res.Token); err != nil || p.Collection.ID != e.users.ID {
		t.Fatalf("any collection: %v, %v", p, err)
	}
	_, err = e.svc.AuthenticateIn(ctx, e.supers, res.Token)
	wantReason(t, err, core.ErrWrongCollection)
	// The other causes come through unchanged.
	_, err = e.svc.AuthenticateIn(ctx, e.users, "opaque-api-key")
	wantReason(t, err, core.ErrTokenMalformed)
	_, err = e.svc.AuthenticateIn(ctx, e.users, "a.b.c")
	wantReason(t, err, core.ErrTokenInvalid)
}
