package directus_test

import (
	"context"
	"fmt"
	"net/http"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/coretest"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/setting"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/gatehouse/gatehouse/internal/surfaces/directus"
	"github.com/gatehouse/gatehouse/internal/surfacetest"
	gatetokens "github.com/gatehouse/gatehouse/internal/tokens"
)

// flakyStore is a real store whose email lookups fail as an unreachable
// database does while down is set.
type flakyStore struct {
	*sqlite.DB
	down atomic.Bool
}

func (f *flakyStore) UserByEmail(ctx context.Context, collectionID, email string) (core.User, error) {
	if f.down.Load() {
		return core.User{}, fmt.Errorf("dial: connection refused: %w", core.ErrUnavailable)
	}
	return f.DB.UserByEmail(ctx, collectionID, email)
}

// TestStoreOutage checks that a database outage answers Directus's 503
// with Retry-After, not a 500 and not bad credentials.
func TestStoreOutage(t *testing.T) {
	t.Parallel()
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
	keys, err := gatetokens.LoadOrCreate(ctx, db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	store := &flakyStore{DB: db}
	svc, err := core.New(core.Settings{AppName: "Acme"}, core.Deps{Store: store, Hasher: h, Signer: keys, Collections: cols})
	if err != nil {
		t.Fatal(err)
	}
	opt := directus.DefaultOptions()
	opt.PublicURL, opt.LoginStall = publicURL, setting.Duration(time.Millisecond)
	e := &env{Server: surfacetest.Serve(t, &coretest.Env{Service: svc, DB: db}, surfacetest.Deps{}, build(opt)), svc: svc}

	store.down.Store(true)
	for _, path := range []string{"/auth/login", "/auth/password/request"} {
		r := e.post(t, path, credentials("ada@example.com", password, ""))
		wantError(t, r, "SERVICE_UNAVAILABLE", `Service "database" is unavailable. The service is temporarily unavailable, try again shortly.`)
		if r.header.Get("Retry-After") != "5" {
			t.Errorf("%s: Retry-After = %q, want 5", path, r.header.Get("Retry-After"))
		}
	}
	store.down.Store(false)
	wantError(t, e.post(t, "/auth/login", credentials("ada@example.com", password, "")), "INVALID_CREDENTIALS", "")
}

// TestRateLimited checks REQUESTS_EXCEEDED with Retry-After.
func TestRateLimited(t *testing.T) {
	t.Parallel()
	e := newEnv(t, func(c *config) {
		c.settings = func(s *core.Settings) {
			s.RateLimits = core.RateLimits{core.ActionLogin: {PerIP: core.Limit{Max: 1, Window: time.Minute}}}
		}
	})
	e.user(t, "ada@example.com")
	e.login(t, "ada@example.com", "json")
	r := e.post(t, "/auth/login", credentials("ada@example.com", password, "json"))
	wantError(t, r, "REQUESTS_EXCEEDED", "")
	if r.header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	if r.status != http.StatusTooManyRequests {
		t.Errorf("status %d", r.status)
	}
}
