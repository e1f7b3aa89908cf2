// Package coretest builds a real core.Service for tests: a fresh SQLite
// store in a temporary directory, cheap password hashing, real signing
// keys and a clock the test controls. It is imported only from _test.go
// files.
package coretest

import (
	"context"
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

// Settings every Env uses: mail links point at AppURL.
const (
	AppName = "Acme"
	AppURL  = "http://app.test"
)

// Unpadded returns p with every timing floor off: the profile of an
// Env's Service is Unpadded(core.Profile{}).
func Unpadded(p core.Profile) core.Profile {
	p.Floors = core.TimingFloors{Login: core.NoFloor, Register: core.NoFloor, MailRequest: core.NoFloor}
	return p
}

// Env is a service over a real store.
type Env struct {
	Service *core.Service
	DB      *sqlite.DB
	Clock   *Clock
}

// Clock is a settable clock, so tests can expire tokens and order records
// without sleeping.
type Clock struct {
	mu  sync.Mutex
	now time.Time
}

// Now returns the clock's time.
func (c *Clock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

// Advance moves the clock by d (which may be negative).
func (c *Clock) Advance(d time.Duration) { c.mu.Lock(); c.now = c.now.Add(d); c.mu.Unlock() }

// New builds an Env with the protections (rate limits, lockout, refresh
// grace) off; everything it opens is closed when the test ends.
func New(t testing.TB) *Env { return NewWith(t, nil) }

// NewWith builds an Env whose settings mod may change first (to turn on
// rate limits or lockout).
func NewWith(t testing.TB, mod func(*core.Settings)) *Env {
	t.Helper()
	return NewWithOptions(t, Options{Settings: mod})
}

// Options tune an Env before it is built.
type Options struct {
	// Settings may change the service settings.
	Settings func(*core.Settings)
	// Collections may change the default collections before
	// core.NewCollections applies its start-up rules to them.
	Collections func(users, superusers *core.Collection)
	// WrapHasher, when set, wraps the hasher the service uses (a test
	// counting the hashing work of a flow).
	WrapHasher func(core.Hasher) core.Hasher
}

// NewWithOptions builds an Env as tuned by o.
func NewWithOptions(t testing.TB, o Options) *Env {
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
	// The cheapest argon2id the hasher accepts: tests check behaviour,
	// not hashing cost.
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	clk := &Clock{now: time.Now().UTC().Truncate(time.Second)}
	keys, err := tokens.LoadOrCreate(ctx, db, clk.Now())
	if err != nil {
		t.Fatal(err)
	}
	list := core.DefaultCollections()
	if o.Collections != nil {
		o.Collections(list[0], list[1])
	}
	cols, err := core.NewCollections(list)
	if err != nil {
		t.Fatal(err)
	}
	settings := core.Settings{AppName: AppName, AppURL: AppURL, Issuer: AppURL}
	if o.Settings != nil {
		o.Settings(&settings)
	}
	var hasher core.Hasher = h
	if o.WrapHasher != nil {
		hasher = o.WrapHasher(h)
	}
	svc, err := core.New(settings, core.Deps{Store: db, Hasher: hasher, Signer: keys, Collections: cols, Now: clk.Now})
	if err != nil {
		t.Fatal(err)
	}
	// Tests call flows by the hundred: unpadded, they check behaviour,
	// not timing. A surface built on Service sets its own profile; a
	// test of the floors sets one too.
	if svc, err = svc.WithProfile(Unpadded(core.Profile{})); err != nil {
		t.Fatal(err)
	}
	return &Env{Service: svc, DB: db, Clock: clk}
}

// DeliverAll claims every queued mail as a worker would and marks it sent,
// returning the messages (bodies intact) oldest first.
func (e *Env) DeliverAll(t testing.TB) []core.OutboxMessage {
	t.Helper()
	ctx := context.Background()
	msgs, err := e.DB.ClaimMail(ctx, core.NewID(), e.Clock.Now().Add(time.Hour), time.Minute, 1000)
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range msgs {
		if err := e.DB.MarkMailSent(ctx, m.ID, e.Clock.Now()); err != nil {
			t.Fatal(err)
		}
	}
	return msgs
}

// tokenInLink matches the token at the end of a confirmation link.
var tokenInLink = regexp.MustCompile(`/confirm-[a-z-]+/([A-Za-z0-9_\-.]+)`)

// MailTo delivers every queued mail and returns the newest one sent to
// addr with the token its link carries; it fails the test if there is
// none.
func (e *Env) MailTo(t testing.TB, addr string) (core.OutboxMessage, string) {
	t.Helper()
	msgs := e.DeliverAll(t)
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
