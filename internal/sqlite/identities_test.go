package sqlite

import (
	"errors"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// A link without a provider, an account id or a creation time would be a
// lie (an empty id must never match a provider response that lost its
// id), so the schema refuses it with a plain error and stores nothing.
func TestInsertIdentityRejectsEmptyFields(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	if err := db.InsertUser(ctx, core.User{ID: "u1", CollectionID: core.UsersID, Created: time.UnixMilli(1), Updated: time.UnixMilli(1)}); err != nil {
		t.Fatal(err)
	}
	good := core.Identity{ID: "i1", UserID: "u1", CollectionID: core.UsersID, Provider: "github", ProviderID: "1", Created: time.UnixMilli(1)}
	tests := []struct {
		name   string
		mutate func(i *core.Identity)
	}{
		{"empty provider", func(i *core.Identity) { i.Provider = "" }},
		{"empty provider id", func(i *core.Identity) { i.ProviderID = "" }},
		{"zero created", func(i *core.Identity) { i.Created = time.Time{} }},
	}
	for _, tc := range tests {
		i := good
		tc.mutate(&i)
		err := db.InsertIdentity(ctx, i)
		if err == nil {
			t.Errorf("InsertIdentity with %s succeeded", tc.name)
		}
		if errors.Is(err, core.ErrNotFound) || errors.Is(err, core.ErrConflict) {
			t.Errorf("InsertIdentity with %s = %v, want a plain error", tc.name, err)
		}
	}
	if got, err := db.ListUserIdentities(ctx, "u1"); err != nil || len(got) != 0 {
		t.Errorf("links after refused inserts = %+v, %v, want none", got, err)
	}
	if err := db.InsertIdentity(ctx, good); err != nil {
		t.Errorf("InsertIdentity of the complete link = %v", err)
	}
}
