package main

import (
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
	"github.com/gatehouse/gatehouse/internal/sqlite"
	"github.com/gatehouse/gatehouse/internal/tokens"
)

var coreID = regexp.MustCompile(`^[a-z0-9]{15}$`)

// migratedDB makes a data.db as `gatehouse migrate` leaves it.
func migratedDB(t *testing.T) string {
	t.Helper()
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "data.db")
	// These tests check what was seeded, not how fast it reads back: a
	// whole-log listing under -race on a loaded CI machine can take past
	// the store's default 5 s deadline.
	db, err := sqlite.Open(ctx, path, sqlite.Options{QueryTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := db.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return path
}

// serviceOn opens the seeded file as the server would and builds a core
// service over it.
func serviceOn(t *testing.T, path string, h *hashing.Hasher) (*core.Service, *sqlite.DB, *core.Collection) {
	t.Helper()
	ctx := context.Background()
	// These tests check what was seeded, not how fast it reads back: a
	// whole-log listing under -race on a loaded CI machine can take past
	// the store's default 5 s deadline.
	db, err := sqlite.Open(ctx, path, sqlite.Options{QueryTimeout: time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	keys, err := tokens.LoadOrCreate(ctx, db, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	cols, err := core.NewCollections(core.DefaultCollections())
	if err != nil {
		t.Fatal(err)
	}
	svc, err := core.New(core.Settings{AppName: "Bench", AppURL: "http://bench.test", Issuer: "http://bench.test"},
		core.Deps{Store: db, Hasher: h, Signer: keys, Collections: cols})
	if err != nil {
		t.Fatal(err)
	}
	users, ok := cols.Find(core.UsersName)
	if !ok {
		t.Fatal("no users collection")
	}
	return svc, db, users
}

// TestSeededUsersLogIn seeds a real migrated SQLite file with the bench's
// SQL, then opens it as the server does: every row reads back as a valid
// user, a seeded user logs in with the shared password without a rehash,
// and an imported bcrypt user's first login replaces its hash with
// argon2id.
func TestSeededUsersLogIn(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := migratedDB(t)
	// The cheapest argon2id: this checks the rows, not hashing cost.
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	argon, err := h.Hash(ctx, seedPassword)
	if err != nil {
		t.Fatal(err)
	}
	bc, err := bcrypt.GenerateFromPassword([]byte(seedPassword), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	// 250 users span several multi-row statements and a partial one.
	spec := seedSpec{users: 250, argonHash: argon, bcrypt: 7, bcryptHash: string(bc), now: now}
	if _, err := seedDatabase(ctx, path, spec); err != nil {
		t.Fatal(err)
	}
	svc, db, users := serviceOn(t, path, h)

	page, err := db.ListUsers(ctx, core.UsersID, core.UserQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if len(page.Users) != 257 || page.Total != 257 {
		t.Fatalf("read back %d users (total %d), want 257", len(page.Users), page.Total)
	}
	ids := map[string]bool{}
	for i, u := range page.Users {
		if !coreID.MatchString(u.ID) || ids[u.ID] {
			t.Errorf("user %d: id %q is not a fresh 15-character [a-z0-9] id", i, u.ID)
		}
		ids[u.ID] = true
		if !core.ValidEmail(u.Email) || !u.Verified {
			t.Errorf("user %d: email %q valid=%v, verified=%v", i, u.Email, core.ValidEmail(u.Email), u.Verified)
		}
		if u.Created.After(now) || u.Created.Before(now.Add(-time.Second)) || !u.Updated.Equal(u.Created) {
			t.Errorf("user %d: created %v, updated %v; want equal, within a second before %v", i, u.Created, u.Updated, now)
		}
	}
	// Listed by created: seeding order, the argon2id users first.
	if page.Users[0].Email != userEmail(0) || page.Users[249].Email != userEmail(249) || page.Users[250].Email != importEmail(0) {
		t.Errorf("order by created: %s, %s, %s", page.Users[0].Email, page.Users[249].Email, page.Users[250].Email)
	}

	res, err := svc.LoginWithPassword(ctx, users, core.PasswordLogin{Identity: userEmail(123), Password: seedPassword})
	if err != nil || res.Token == "" {
		t.Fatalf("seeded user login: %v", err)
	}
	if u, _ := db.UserByEmail(ctx, core.UsersID, userEmail(123)); u.PasswordHash != argon {
		t.Error("a seeded user's login rehashed the current argon2id hash")
	}
	if _, err := svc.LoginWithPassword(ctx, users, core.PasswordLogin{Identity: userEmail(5), Password: "wrong"}); err == nil {
		t.Error("a wrong password logged in")
	}

	if _, err := svc.LoginWithPassword(ctx, users, core.PasswordLogin{Identity: importEmail(3), Password: seedPassword}); err != nil {
		t.Fatalf("imported user's first login: %v", err)
	}
	for i, want := range map[int]string{3: hashing.SchemeArgon2id, 4: hashing.SchemeBcrypt} {
		u, err := db.UserByEmail(ctx, core.UsersID, importEmail(i))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := hashing.Scheme(u.PasswordHash); err != nil || got != want {
			t.Errorf("imported user %d: hash scheme %q (%v), want %q", i, got, err, want)
		}
	}
}

func TestIDSource(t *testing.T) {
	t.Parallel()
	a, b := newIDSource(7), newIDSource(7)
	seen := map[string]bool{}
	counts := map[rune]int{}
	for range 5000 {
		id := a.next()
		if id != b.next() {
			t.Fatal("the same seed gave different ids")
		}
		if !coreID.MatchString(id) || seen[id] {
			t.Fatalf("id %q: not a fresh core id", id)
		}
		seen[id] = true
		for _, c := range id {
			counts[c]++
		}
	}
	// 75,000 characters over 36 symbols: each about 2,083 times.
	for _, c := range idAlphabet {
		if n := counts[c]; n < 1700 || n > 2500 {
			t.Errorf("character %q drawn %d times, want about 2083", c, n)
		}
	}
	if newIDSource(8).next() == newIDSource(7).next() {
		t.Error("different seeds gave the same first id")
	}
}

func TestInsertUsersSQL(t *testing.T) {
	t.Parallel()
	q := insertUsersSQL(3)
	if n := strings.Count(q, "?"); n != 30 {
		t.Errorf("3 rows: %d placeholders, want 30", n)
	}
	if n := strings.Count(q, "),("); n != 2 {
		t.Errorf("3 rows: %d row separators, want 2", n)
	}
}
