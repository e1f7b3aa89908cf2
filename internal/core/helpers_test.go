package core_test

import (
	"context"
	"errors"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

// env is a service on a real SQLite store with cheap hashing and a
// controllable clock.
type env struct {
	svc    *core.Service
	db     *sqlite.DB
	users  *core.Collection
	supers *core.Collection
	clock  *clock
}

type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time          { c.mu.Lock(); defer c.mu.Unlock(); return c.now }
func (c *clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

func newEnv(t *testing.T) *env {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, filepath.Join(t.TempDir(), "data.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	clk := &clock{now: time.Now().UTC().Truncate(time.Second)}
	keys, err := tokens.LoadOrCreate(ctx, db, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := core.New(core.Settings{AppName: "Acme", AppURL: "http://app.test", Issuer: "http://app.test"},
		core.Deps{Store: db, Hasher: h, Signer: keys, Collections: cols, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	users, _ := cols.Find("users")
	return &env{svc: svc, db: db, users: users, supers: cols.Superusers(), clock: clk}
}

func ptr[T any](v T) *T { return &v }

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

var tokenInLink = regexp.MustCompile(`/confirm-[a-z-]+/([A-Za-z0-9_\-.]+)`)

// mailTo delivers every queued message and returns the token in the newest
// one sent to addr.
func (e *env) mailTo(t *testing.T, addr string) (core.OutboxMessage, string) {
	t.Helper()
	ctx := context.Background()
	msgs, err := e.db.ClaimMail(ctx, e.clock.Now().Add(time.Hour), time.Minute, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs { // this test is the mail worker: mark them delivered
		if err := e.db.MarkMailSent(ctx, m.ID, e.clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	for i := len(msgs) - 1; i >= 0; i-- {
		if msgs[i].To == addr {
			m := tokenInLink.FindStringSubmatch(msgs[i].Text)
			if m == nil {
				t.Fatalf("mail to %s has no token link: %q", addr, msgs[i].Text)
			}
			return msgs[i], m[1]
		}
	}
	t.Fatalf("no mail to %s among %d messages", addr, len(msgs))
	return core.OutboxMessage{}, ""
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
