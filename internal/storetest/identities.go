package storetest

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// identity builds a link of a users-collection user to a provider
// account, created at `created`.
func identity(id, userID, provider, providerID string, created time.Time) core.Identity {
	return core.Identity{
		ID:           id,
		UserID:       userID,
		CollectionID: core.UsersID,
		Provider:     provider,
		ProviderID:   providerID,
		Created:      created,
	}
}

func insertIdentity(t *testing.T, s core.Store, i core.Identity) {
	t.Helper()
	if err := s.InsertIdentity(t.Context(), i); err != nil {
		t.Fatalf("InsertIdentity(%s) = %v", i.ID, err)
	}
}

// wantIdentities fails unless the user's links are exactly want, in order.
func wantIdentities(t *testing.T, s core.Store, userID string, want ...core.Identity) {
	t.Helper()
	got, err := s.ListUserIdentities(t.Context(), userID)
	if err != nil {
		t.Errorf("ListUserIdentities(%s) = %v", userID, err)
		return
	}
	if got == nil {
		t.Errorf("ListUserIdentities(%s) = nil, want a non-nil list", userID)
	}
	if want == nil {
		want = []core.Identity{}
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("ListUserIdentities(%s) (-want +got):\n%s", userID, diff)
	}
}

// wantLinked fails unless the provider account in the collection is
// linked by want, or (want zero) by nothing.
func wantLinked(t *testing.T, s core.Store, coll, provider, providerID string, want core.Identity) {
	t.Helper()
	got, err := s.IdentityByProvider(t.Context(), coll, provider, providerID)
	if want == (core.Identity{}) {
		wantErr(t, fmt.Sprintf("IdentityByProvider(%s, %q, %q)", coll, provider, providerID), err, core.ErrNotFound)
		return
	}
	if err != nil {
		t.Errorf("IdentityByProvider(%s, %q, %q) = %v", coll, provider, providerID, err)
		return
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IdentityByProvider(%s, %q, %q) (-want +got):\n%s", coll, provider, providerID, diff)
	}
}

func testIdentityRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.SuperusersID, "s1", "root@example.com"))
	gh := identity("i1", "u1", "github", "12345", at(0))
	insertIdentity(t, s, gh)

	wantLinked(t, s, core.UsersID, "github", "12345", gh)
	wantIdentities(t, s, "u1", gh)
	// Names and ids match exactly: no other collection, provider, case
	// or prefix finds the link.
	for _, miss := range [][3]string{
		{core.SuperusersID, "github", "12345"},
		{core.UsersID, "google", "12345"},
		{core.UsersID, "GitHub", "12345"},
		{core.UsersID, "github", "1234"},
		{core.UsersID, "github", "12345 "},
		{core.UsersID, "github", ""},
		{core.UsersID, "", "12345"},
	} {
		wantLinked(t, s, miss[0], miss[1], miss[2], core.Identity{})
	}

	wantErr(t, "InsertIdentity with a taken id",
		s.InsertIdentity(ctx, identity("i1", "u1", "google", "g-1", at(0))), core.ErrConflict)
	wantErr(t, "InsertIdentity for a missing user",
		s.InsertIdentity(ctx, identity("i2", "ghost", "google", "g-1", at(0))), core.ErrNotFound)
	// A link lives in its user's collection: one naming another
	// collection does not find the user.
	cross := identity("i3", "s1", "google", "g-1", at(0))
	wantErr(t, "InsertIdentity for a user of another collection", s.InsertIdentity(ctx, cross), core.ErrNotFound)
	wantLinked(t, s, core.UsersID, "google", "g-1", core.Identity{})
	wantIdentities(t, s, "s1")
	wantIdentities(t, s, "u1", gh)
}

// A provider account links to one user per collection, and a user to
// one account per provider.
func testIdentityConflicts(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertUser(t, s, user(core.SuperusersID, "s1", "root@example.com"))
	gh := identity("i1", "u1", "github", "12345", at(0))
	insertIdentity(t, s, gh)

	wantErr(t, "InsertIdentity of an account linked to another user",
		s.InsertIdentity(ctx, identity("i2", "u2", "github", "12345", at(time.Second))), core.ErrConflict)
	wantErr(t, "InsertIdentity of a second account at the same provider",
		s.InsertIdentity(ctx, identity("i3", "u1", "github", "67890", at(time.Second))), core.ErrConflict)
	wantErr(t, "InsertIdentity of the same link again",
		s.InsertIdentity(ctx, identity("i4", "u1", "github", "12345", at(time.Second))), core.ErrConflict)
	wantLinked(t, s, core.UsersID, "github", "12345", gh)
	wantLinked(t, s, core.UsersID, "github", "67890", core.Identity{})
	wantIdentities(t, s, "u1", gh)
	wantIdentities(t, s, "u2")

	// The same account may sign in to another collection, the user may
	// link another provider, and another user another account.
	super := identity("i5", "s1", "github", "12345", at(time.Second))
	super.CollectionID = core.SuperusersID
	insertIdentity(t, s, super)
	google := identity("i6", "u1", "google", "12345", at(2*time.Second))
	insertIdentity(t, s, google)
	other := identity("i7", "u2", "github", "67890", at(time.Second))
	insertIdentity(t, s, other)

	wantLinked(t, s, core.UsersID, "github", "12345", gh)
	wantLinked(t, s, core.SuperusersID, "github", "12345", super)
	wantLinked(t, s, core.UsersID, "google", "12345", google)
	wantLinked(t, s, core.UsersID, "github", "67890", other)
	wantIdentities(t, s, "u1", gh, google)
	wantIdentities(t, s, "s1", super)
}

func testDeleteIdentity(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	gh, google := identity("i1", "u1", "github", "1", at(0)), identity("i2", "u1", "google", "1", at(time.Second))
	others := identity("i3", "u2", "github", "2", at(0))
	for _, i := range []core.Identity{gh, google, others} {
		insertIdentity(t, s, i)
	}

	wantErr(t, "DeleteIdentity of another user's link", s.DeleteIdentity(ctx, "u1", "i3"), core.ErrNotFound)
	wantErr(t, "DeleteIdentity of a missing link", s.DeleteIdentity(ctx, "u1", "nope"), core.ErrNotFound)
	wantErr(t, "DeleteIdentity for a missing user", s.DeleteIdentity(ctx, "ghost", "i1"), core.ErrNotFound)
	wantIdentities(t, s, "u2", others)

	wantOK(t, "DeleteIdentity", s.DeleteIdentity(ctx, "u1", "i1"))
	wantErr(t, "DeleteIdentity again", s.DeleteIdentity(ctx, "u1", "i1"), core.ErrNotFound)
	wantLinked(t, s, core.UsersID, "github", "1", core.Identity{})
	wantIdentities(t, s, "u1", google)
	// The unlinked account is free to link again, to anyone.
	relinked := identity("i4", "u2", "github", "1", at(time.Minute))
	wantErr(t, "InsertIdentity of u2's second github account", s.InsertIdentity(ctx, relinked), core.ErrConflict)
	relinked.UserID = "u1"
	insertIdentity(t, s, relinked)
	wantLinked(t, s, core.UsersID, "github", "1", relinked)

	n, err := s.DeleteUserIdentities(ctx, "u1")
	if err != nil || n != 2 {
		t.Errorf("DeleteUserIdentities = %d, %v, want 2", n, err)
	}
	wantIdentities(t, s, "u1")
	wantLinked(t, s, core.UsersID, "google", "1", core.Identity{})
	wantIdentities(t, s, "u2", others)
	wantLinked(t, s, core.UsersID, "github", "2", others)
	for _, id := range []string{"u1", "ghost"} {
		if n, err := s.DeleteUserIdentities(ctx, id); err != nil || n != 0 {
			t.Errorf("DeleteUserIdentities(%s) with none = %d, %v, want 0", id, n, err)
		}
	}
}

// ListUserIdentities lists oldest first; links created in the same
// millisecond go by id.
func testListUserIdentities(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	oldest := identity("z", "u1", "apple", "1", at(-time.Hour))
	a, b := identity("a", "u1", "google", "1", at(time.Minute)), identity("b", "u1", "github", "1", at(time.Minute))
	newest := identity("c", "u1", "gitlab", "1", at(time.Hour))
	others := identity("d", "u2", "discord", "1", at(0))
	for _, i := range []core.Identity{newest, b, others, a, oldest} {
		insertIdentity(t, s, i)
	}
	wantIdentities(t, s, "u1", oldest, a, b, newest)
	wantIdentities(t, s, "u2", others)
	wantIdentities(t, s, "ghost")
}

// A user's links go with the user, freeing the provider accounts.
func testIdentityCascade(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertUser(t, s, user(core.UsersID, "u2", "b@example.com"))
	insertIdentity(t, s, identity("i1", "u1", "github", "1", at(0)))
	insertIdentity(t, s, identity("i2", "u1", "google", "1", at(0)))
	others := identity("i3", "u2", "github", "2", at(0))
	insertIdentity(t, s, others)

	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))
	wantIdentities(t, s, "u1")
	wantLinked(t, s, core.UsersID, "github", "1", core.Identity{})
	wantLinked(t, s, core.UsersID, "google", "1", core.Identity{})
	wantIdentities(t, s, "u2", others)

	// A new user with the old id starts unlinked, and the old accounts
	// (and link ids) are free.
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	wantIdentities(t, s, "u1")
	again := identity("i1", "u2", "google", "1", at(time.Minute))
	insertIdentity(t, s, again)
	wantLinked(t, s, core.UsersID, "google", "1", again)
}

// Of concurrent links of one provider account to different users,
// exactly one wins; the rest conflict.
func testInsertIdentityConcurrently(t *testing.T, s core.Store) {
	const n = 20
	for i := range n {
		insertUser(t, s, user(core.UsersID, fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i)))
	}
	errs := race(n, func(i int) error {
		return s.InsertIdentity(t.Context(), identity(fmt.Sprintf("i%d", i), fmt.Sprintf("u%d", i), "github", "12345", at(0)))
	})
	winner := onlyOneWins(t, "InsertIdentity", errs, core.ErrConflict)
	if winner < 0 {
		return
	}
	want := identity(fmt.Sprintf("i%d", winner), fmt.Sprintf("u%d", winner), "github", "12345", at(0))
	wantLinked(t, s, core.UsersID, "github", "12345", want)
	for i := range n {
		if i != winner {
			wantIdentities(t, s, fmt.Sprintf("u%d", i))
		}
	}
}

func testIdentityHostileStrings(t *testing.T, s core.Store) {
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	var want []core.Identity
	for i, str := range hostile() {
		// Each string is a provider name, an account id and a link id
		// at once, unique by position.
		tag := fmt.Sprintf("%s#%d", str, i)
		id := identity(tag, "u1", tag, strings.ToUpper(tag), at(time.Duration(i)*time.Second))
		insertIdentity(t, s, id)
		want = append(want, id)
	}
	for _, id := range want {
		wantLinked(t, s, core.UsersID, id.Provider, id.ProviderID, id)
	}
	wantIdentities(t, s, "u1", want...)
	// Wildcards and quotes are plain characters.
	wantLinked(t, s, core.UsersID, "%", "%", core.Identity{})
	wantLinked(t, s, core.UsersID, want[2].Provider, "%", core.Identity{})
}
