package core_test

import (
	"context"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
)

// TestLoginUpgradesImportedPayloadPBKDF2 logs in a user whose stored hash
// came from Payload CMS (a Node-made vector, through the importer's
// helper): a wrong password fails and leaves the hash alone, the right one
// logs in and replaces it with argon2id, which then verifies.
func TestLoginUpgradesImportedPayloadPBKDF2(t *testing.T) {
	b, err := os.ReadFile("../hashing/testdata/payload_pbkdf2.json")
	if err != nil {
		t.Fatal(err)
	}
	var fixture struct {
		Vectors []struct{ Name, Password, Salt, Hash string }
	}
	if err := json.Unmarshal(b, &fixture); err != nil {
		t.Fatal(err)
	}
	for _, v := range fixture.Vectors {
		if v.Name != "non-ascii" {
			continue
		}
		stored, err := hashing.PayloadPBKDF2(v.Salt, v.Hash)
		if err != nil {
			t.Fatal(err)
		}
		e := newEnv(t)
		ctx := context.Background()
		now := e.clock.Now()
		u := core.User{ID: core.NewID(), CollectionID: e.users.ID, Email: "payload@example.com", PasswordHash: stored, Created: now, Updated: now}
		if err := e.db.InsertUser(ctx, u); err != nil {
			t.Fatal(err)
		}

		_, err = e.svc.LoginWithPassword(ctx, e.users, core.PasswordLogin{Identity: u.Email, Password: v.Password + "x"})
		wantKind(t, err, core.KindUnauthenticated, core.CodeInvalidCredentials)
		if got, _ := e.db.UserByID(ctx, e.users.ID, u.ID); got.PasswordHash != stored {
			t.Fatalf("a failed login changed the stored hash")
		}

		e.login(t, e.users, u.Email, v.Password)
		got, err := e.db.UserByID(ctx, e.users.ID, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got.PasswordHash, "$argon2id$") {
			t.Fatalf("hash after login = %.16q..., want an argon2id rehash", got.PasswordHash)
		}
		e.login(t, e.users, u.Email, v.Password) // the new hash verifies
		return
	}
	t.Fatal("no non-ascii vector in the fixture")
}
