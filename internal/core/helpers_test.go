package core_test

import (
	"context"
	"errors"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// env is a service on a real SQLite store with cheap hashing and a
// controllable clock.
type env struct {
	*coretest.Env
	svc    *core.Service
	db     *sqlite.DB
	users  *core.Collection
	supers *core.Collection
	clock  *coretest.Clock
}

func newEnv(t *testing.T) *env { return newEnvWith(t, nil) }

// newEnvWith builds an env whose settings mod may change (security on).
func newEnvWith(t *testing.T, mod func(*core.Settings)) *env {
	t.Helper()
	ce := coretest.NewWith(t, mod)
	users, _ := ce.Service.Collection("users")
	return &env{Env: ce, svc: ce.Service, db: ce.DB, users: users, supers: superusers(t, ce.Service), clock: ce.Clock}
}

// withProfile returns e with its service bound to profile p (with no
// timing floors: tests of the floors set them on their own).
func (e *env) withProfile(t testing.TB, p core.Profile) *env {
	t.Helper()
	svc, err := e.svc.WithProfile(coretest.Unpadded(p))
	if err != nil {
		t.Fatal(err)
	}
	c := *e
	c.svc = svc
	return &c
}

func ptr[T any](v T) *T { return &v }

// superusers returns the service's superuser collection.
func superusers(t *testing.T, svc *core.Service) *core.Collection {
	t.Helper()
	c, ok := svc.Collection(core.SuperusersName)
	if !ok {
		t.Fatal("no superuser collection")
	}
	return c
}

// signUp creates a user through the public sign-up flow.
func (e *env) signUp(t *testing.T, email, password string) core.User {
	t.Helper()
	u, err := e.svc.CreateUser(context.Background(), nil, e.users, core.UserInput{Email: &email, Password: &password})
	if err != nil {
		t.Fatalf("CreateUser(%s) = %v", email, err)
	}
	return u
}

// login logs in and authenticates the resulting token.
func (e *env) login(t *testing.T, c *core.Collection, email, password string) (core.AuthResult, *core.Principal) {
	t.Helper()
	ctx := context.Background()
	res, err := e.svc.LoginWithPassword(ctx, c, core.PasswordLogin{Identity: email, Password: password})
	if err != nil {
		t.Fatalf("LoginWithPassword(%s) = %v", email, err)
	}
	p, err := e.svc.Authenticate(ctx, res.Token)
	if err != nil {
		t.Fatalf("Authenticate(fresh token) = %v", err)
	}
	return res, p
}

func (e *env) superuser(t *testing.T) *core.Principal {
	t.Helper()
	if _, err := e.svc.UpsertSuperuser(context.Background(), "root@example.com", "rootpassword"); err != nil {
		t.Fatal(err)
	}
	_, p := e.login(t, e.supers, "root@example.com", "rootpassword")
	return p
}

// mailTo delivers every queued message and returns the newest one sent
// to addr with its token.
func (e *env) mailTo(t *testing.T, addr string) (core.OutboxMessage, string) {
	t.Helper()
	return e.MailTo(t, addr)
}

// wantKind fails unless err is a core error of the given kind and code.
func wantKind(t *testing.T, err error, kind core.Kind, code string) *core.Error {
	t.Helper()
	var ce *core.Error
	if !errors.As(err, &ce) {
		t.Fatalf("err = %v, want *core.Error %s/%s", err, kind, code)
	}
	if ce.Kind != kind || (code != "" && ce.Code != code) {
		t.Fatalf("err = %s/%s (%v), want %s/%s", ce.Kind, ce.Code, ce, kind, code)
	}
	return ce
}

// wantField fails unless err is a validation error naming field with
// code.
func wantField(t *testing.T, err error, field, code string) {
	t.Helper()
	ce := wantKind(t, err, core.KindInvalid, "")
	if got := ce.Fields[field].Code; got != code {
		t.Fatalf("field %q code = %q, want %q (all: %v)", field, got, code, ce.Fields)
	}
}
