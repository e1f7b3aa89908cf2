package storetest

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// profileDoc is a profile document with every kind of JSON value, in the
// form core.DecodeProfile reads documents back: numbers as json.Number,
// written the way both stores keep them (PostgreSQL's jsonb rewrites
// 1e2 as 100, so the suite uses no exponents).
func profileDoc() map[string]any {
	return map[string]any{
		"first_name": "Ada Lovelace",
		"last_name":  "King",
		"userData": map[string]any{
			"plan":   "pro",
			"seats":  json.Number("12345678901234567890"),
			"ratio":  json.Number("1.50"),
			"credit": json.Number("-3.25"),
			"zero":   json.Number("0"),
			"flags":  []any{true, false, nil},
			"nested": map[string]any{"deep": []any{map[string]any{"k": "v"}, []any{}}},
			"empty":  map[string]any{},
		},
		"Zoë 😀 日本語":  "عربى עברית \t\n\r \u2028 <&> \"quotes\" \\back\\",
		"':\"; DROP": `Robert'); DROP TABLE users;--`,
		"null":       nil,
		"blank":      "",
	}
}

// Every read of a user carries its profile and status: by id, by email,
// by folded email, in lists, and with a session.
func testUserProfileRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "ada@example.com")
	u.Profile, u.Status = profileDoc(), core.UserSuspended
	insertUser(t, s, u)
	plain := user(core.UsersID, "u2", "bob@example.com")
	insertUser(t, s, plain)
	insertSession(t, s, session("s1", "u1"))

	check := func(what string, got core.User, err error) {
		t.Helper()
		if err != nil {
			t.Errorf("%s: %v", what, err)
			return
		}
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", what, diff)
		}
	}
	got, err := s.UserByID(ctx, core.UsersID, "u1")
	check("UserByID", got, err)
	got, err = s.UserByEmail(ctx, core.UsersID, "ada@example.com")
	check("UserByEmail", got, err)
	folded, err := s.UsersByEmailFold(ctx, core.UsersID, "ADA@example.com", 5)
	if err == nil && len(folded) != 1 {
		err = fmt.Errorf("found %d users, want 1", len(folded))
	}
	if err == nil {
		got = folded[0]
	}
	check("UsersByEmailFold", got, err)
	page, err := s.ListUsers(ctx, core.UsersID, core.UserQuery{Sort: []core.SortField{{Field: "id"}}})
	if err == nil && len(page.Users) != 2 {
		err = fmt.Errorf("listed %d users, want 2", len(page.Users))
	}
	if err == nil {
		got = page.Users[0]
		if diff := cmp.Diff(plain, page.Users[1]); diff != "" {
			t.Errorf("ListUsers, user without a profile (-want +got):\n%s", diff)
		}
	}
	check("ListUsers", got, err)
	_, got, err = s.SessionWithUser(ctx, "s1")
	check("SessionWithUser", got, err)
}

// UpdateUser writes the profile and status it is given: the same
// document is kept, a new one replaces the old whole, nil removes it.
func testUserProfileUpdate(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "ada@example.com")
	u.Profile = profileDoc()
	insertUser(t, s, u)

	steps := []struct {
		what   string
		change func(u *core.User)
	}{
		{"an update that keeps the profile", func(u *core.User) { u.Name = "Renamed" }},
		{"a replaced profile", func(u *core.User) { u.Profile = map[string]any{"only": "this"} }},
		{"a suspension", func(u *core.User) { u.Status = core.UserSuspended }},
		{"a reactivation", func(u *core.User) { u.Status = core.UserActive }},
		{"a removed profile", func(u *core.User) { u.Profile = nil }},
		{"a profile again", func(u *core.User) { u.Profile = map[string]any{"first_name": "Ada"} }},
	}
	for _, st := range steps {
		st.change(&u)
		u.Updated = u.Updated.Add(time.Second)
		wantOK(t, "UpdateUser with "+st.what, s.UpdateUser(ctx, u))
		got, err := s.UserByID(ctx, core.UsersID, "u1")
		wantOK(t, "UserByID", err)
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("after %s (-want +got):\n%s", st.what, diff)
		}
	}
}

// An empty profile is no profile, and a user written without a status is
// active.
func testUserProfileDefaults(t *testing.T, s core.Store) {
	ctx := t.Context()
	u := user(core.UsersID, "u1", "ada@example.com")
	u.Profile, u.Status = map[string]any{}, ""
	insertUser(t, s, u)
	got, err := s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if got.Profile != nil || got.Status != core.UserActive {
		t.Errorf("user inserted with an empty profile and no status = %v, %q; want nil, active", got.Profile, got.Status)
	}
	u.Status, u.Profile = core.UserSuspended, map[string]any{"a": "b"}
	wantOK(t, "UpdateUser", s.UpdateUser(ctx, u))
	u.Status, u.Profile = "", map[string]any{}
	wantOK(t, "UpdateUser", s.UpdateUser(ctx, u))
	got, err = s.UserByID(ctx, core.UsersID, "u1")
	wantOK(t, "UserByID", err)
	if got.Profile != nil || got.Status != core.UserActive {
		t.Errorf("user updated with an empty profile and no status = %v, %q; want nil, active", got.Profile, got.Status)
	}
}

// Documents as large as core allows, with many keys, long keys, long
// multi-byte strings and deep nesting, come back whole.
func testUserProfileLarge(t *testing.T, s core.Store) {
	ctx := t.Context()
	wide := map[string]any{}
	for i := range 600 {
		wide[fmt.Sprintf("key %04d %s", i, strings.Repeat("é", 40))] = json.Number(fmt.Sprint(i * 7))
	}
	deep := map[string]any{"leaf": "bottom"}
	// Each wrapping adds two levels (an object and an array): the
	// document, its "root" and these reach MaxProfileDepth.
	for range (core.MaxProfileDepth - 2) / 2 {
		deep = map[string]any{"d": []any{deep}}
	}
	docs := map[string]map[string]any{
		"one long string": {"s": strings.Repeat("日本語😀", (core.MaxProfileBytes-100)/16)},
		"many keys":       wide,
		"deep":            {"root": deep},
	}
	i := 0
	for what, doc := range docs {
		b, err := core.EncodeProfile(doc)
		wantOK(t, "EncodeProfile", err)
		if len(b) > core.MaxProfileBytes || (what != "deep" && len(b) < core.MaxProfileBytes*3/4) {
			t.Fatalf("%s: %d bytes encoded; the case wants near %d", what, len(b), core.MaxProfileBytes)
		}
		i++
		u := user(core.UsersID, fmt.Sprintf("u%d", i), fmt.Sprintf("u%d@example.com", i))
		u.Profile = doc
		insertUser(t, s, u)
		got, err := s.UserByID(ctx, core.UsersID, u.ID)
		wantOK(t, "UserByID", err)
		if diff := cmp.Diff(u, got); diff != "" {
			t.Errorf("%s: round trip (-want +got):\n%s", what, diff)
		}
	}
}
