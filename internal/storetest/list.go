package storetest

import (
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// listFixture stores six users a1..a6 in `users` (created one second apart,
// in id order) and a decoy b1 in `_superusers` that no `users` query may
// return. Text comparisons other than equality and like only use ids and
// lowercase emails, whose order is the same under every collation.
func listFixture(t *testing.T, s core.Store) {
	t.Helper()
	rows := []struct {
		id, email, name string
		verified, vis   bool
	}{
		{"a1", "alice@example.com", "Alice", true, false},
		{"a2", "bob@example.com", "bob_builder", false, true},
		{"a3", "carol@example.com", "100% carol", true, true},
		{"a4", "dave@example.com", `Dave\back`, false, false},
		{"a5", "eve@example.com", "alice cooper", true, false},
		{"a6", "", "", false, false},
	}
	for i, r := range rows {
		u := user(core.UsersID, r.id, r.email)
		u.Name, u.Verified, u.EmailVisibility = r.name, r.verified, r.vis
		u.Created = at(time.Duration(i+1) * time.Second)
		u.Updated = at(time.Duration(10-i) * time.Second)
		insertUser(t, s, u)
	}
	decoy := user(core.SuperusersID, "b1", "alice@example.com")
	decoy.Name = "Alice"
	insertUser(t, s, decoy)
}

func eq(field string, v any) core.Cond { return core.Cond{Field: field, Op: core.OpEq, Value: v} }
func cond(field string, op core.Op, v any) core.Cond {
	return core.Cond{Field: field, Op: op, Value: v}
}

func testListUsersFilter(t *testing.T, s core.Store) {
	listFixture(t, s)
	all := []string{"a1", "a2", "a3", "a4", "a5", "a6"}
	sec := func(n int) time.Time { return at(time.Duration(n) * time.Second) }
	tests := []struct {
		name   string
		filter core.Filter
		want   []string
	}{
		{"nil", nil, all},
		{"eq text", eq("email", "alice@example.com"), []string{"a1"}},
		{"eq is case-sensitive", eq("email", "ALICE@example.com"), nil},
		{"eq empty", eq("email", ""), []string{"a6"}},
		{"neq bool", cond("verified", core.OpNeq, true), []string{"a2", "a4", "a6"}},
		{"eq bool false", eq("verified", false), []string{"a2", "a4", "a6"}},
		{"eq bool true", eq("emailVisibility", true), []string{"a2", "a3"}},
		{"gt time", cond("created", core.OpGt, sec(3)), []string{"a4", "a5", "a6"}},
		{"gte time", cond("created", core.OpGte, sec(3)), []string{"a3", "a4", "a5", "a6"}},
		{"lt time", cond("created", core.OpLt, sec(3)), []string{"a1", "a2"}},
		{"lte time", cond("created", core.OpLte, sec(3)), []string{"a1", "a2", "a3"}},
		{"eq time", eq("updated", sec(8)), []string{"a3"}},
		{"neq time", cond("updated", core.OpNeq, sec(8)), []string{"a1", "a2", "a4", "a5", "a6"}},
		{"zero time bound", cond("created", core.OpGt, time.Time{}), all},
		{"gt text", cond("id", core.OpGt, "a3"), []string{"a4", "a5", "a6"}},
		{"lte text", cond("id", core.OpLte, "a2"), []string{"a1", "a2"}},
		{"lt text", cond("email", core.OpLt, "c"), []string{"a1", "a2", "a6"}},
		{"gte text", cond("email", core.OpGte, "dave@example.com"), []string{"a4", "a5"}},
		{"like ignores case", cond("name", core.OpLike, "ALICE"), []string{"a1", "a5"}},
		{"like substring", cond("email", core.OpLike, "B@EXAMPLE"), []string{"a2"}},
		{"like domain", cond("email", core.OpLike, "@EXAMPLE.com"), []string{"a1", "a2", "a3", "a4", "a5"}},
		{"like literal percent", cond("name", core.OpLike, "%"), []string{"a3"}},
		{"like literal underscore", cond("name", core.OpLike, "_"), []string{"a2"}},
		{"like literal backslash", cond("name", core.OpLike, `\`), []string{"a4"}},
		{"like percent in middle", cond("name", core.OpLike, "0% c"), []string{"a3"}},
		{"like empty matches all", cond("name", core.OpLike, ""), all},
		{"not like", cond("name", core.OpNotLike, "alice"), []string{"a2", "a3", "a4", "a6"}},
		{"not like underscore", cond("name", core.OpNotLike, "_"), []string{"a1", "a3", "a4", "a5", "a6"}},
		{"and", core.And{eq("verified", true), cond("name", core.OpLike, "alice")}, []string{"a1", "a5"}},
		{"or", core.Or{eq("id", "a2"), eq("id", "a4")}, []string{"a2", "a4"}},
		{"or stays in collection", core.Or{eq("email", "alice@example.com"), eq("id", "b1")}, []string{"a1"}},
		{"nested", core.And{
			core.Or{eq("id", "a1"), eq("id", "a2"), eq("id", "a3")},
			core.Or{eq("verified", false), cond("name", core.OpLike, "CAROL")},
		}, []string{"a2", "a3"}},
		{"or of ands", core.Or{
			core.And{eq("verified", true), cond("created", core.OpGt, sec(4))},
			core.And{eq("verified", false), cond("created", core.OpLt, sec(3))},
		}, []string{"a2", "a5"}},
		{"empty and matches all", core.And{}, all},
		{"empty or matches none", core.Or{}, nil},
		{"injection attempt", eq("name", `x' OR '1'='1`), nil},
	}
	for _, tc := range tests {
		page, err := s.ListUsers(t.Context(), core.UsersID, core.UserQuery{Filter: tc.filter})
		if err != nil {
			t.Errorf("%s: ListUsers = %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(page.Users), cmpEmpty()); diff != "" {
			t.Errorf("%s: ids (-want +got):\n%s", tc.name, diff)
		}
		if page.Total != len(tc.want) {
			t.Errorf("%s: Total = %d, want %d", tc.name, page.Total, len(tc.want))
		}
	}
}

func testListUsersSort(t *testing.T, s core.Store) {
	listFixture(t, s)
	tests := []struct {
		name string
		sort []core.SortField
		want []string
	}{
		{"default", nil, []string{"a1", "a2", "a3", "a4", "a5", "a6"}},
		{"created desc", []core.SortField{{Field: "created", Desc: true}}, []string{"a6", "a5", "a4", "a3", "a2", "a1"}},
		{"updated asc", []core.SortField{{Field: "updated"}}, []string{"a6", "a5", "a4", "a3", "a2", "a1"}},
		{"id desc", []core.SortField{{Field: "id", Desc: true}}, []string{"a6", "a5", "a4", "a3", "a2", "a1"}},
		{"email asc", []core.SortField{{Field: "email"}}, []string{"a6", "a1", "a2", "a3", "a4", "a5"}},
		{"ties broken by id", []core.SortField{{Field: "verified"}}, []string{"a2", "a4", "a6", "a1", "a3", "a5"}},
		{"desc ties broken by id", []core.SortField{{Field: "verified", Desc: true}}, []string{"a1", "a3", "a5", "a2", "a4", "a6"}},
		{"two keys", []core.SortField{{Field: "emailVisibility", Desc: true}, {Field: "created", Desc: true}},
			[]string{"a3", "a2", "a6", "a5", "a4", "a1"}},
	}
	for _, tc := range tests {
		page, err := s.ListUsers(t.Context(), core.UsersID, core.UserQuery{Sort: tc.sort})
		if err != nil {
			t.Errorf("%s: ListUsers = %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(page.Users)); diff != "" {
			t.Errorf("%s: order (-want +got):\n%s", tc.name, diff)
		}
	}
}

func testListUsersPaging(t *testing.T, s core.Store) {
	listFixture(t, s)
	tests := []struct {
		name      string
		q         core.UserQuery
		want      []string
		wantTotal int
	}{
		{"first page", core.UserQuery{Limit: 2}, []string{"a1", "a2"}, 6},
		{"middle page", core.UserQuery{Limit: 2, Offset: 2}, []string{"a3", "a4"}, 6},
		{"short last page", core.UserQuery{Limit: 4, Offset: 4}, []string{"a5", "a6"}, 6},
		{"past the end", core.UserQuery{Limit: 2, Offset: 10}, nil, 6},
		{"offset without limit", core.UserQuery{Offset: 4}, []string{"a5", "a6"}, 6},
		{"filtered page", core.UserQuery{Filter: eq("verified", true), Limit: 1, Offset: 1}, []string{"a3"}, 3},
		{"sorted page", core.UserQuery{Sort: []core.SortField{{Field: "created", Desc: true}}, Limit: 2}, []string{"a6", "a5"}, 6},
		{"skip total", core.UserQuery{Limit: 1, SkipTotal: true}, []string{"a1"}, -1},
	}
	for _, tc := range tests {
		page, err := s.ListUsers(t.Context(), core.UsersID, tc.q)
		if err != nil {
			t.Errorf("%s: ListUsers = %v", tc.name, err)
			continue
		}
		if diff := cmp.Diff(tc.want, ids(page.Users), cmpEmpty()); diff != "" {
			t.Errorf("%s: ids (-want +got):\n%s", tc.name, diff)
		}
		if page.Total != tc.wantTotal {
			t.Errorf("%s: Total = %d, want %d", tc.name, page.Total, tc.wantTotal)
		}
	}

	page, err := s.ListUsers(t.Context(), core.SuperusersID, core.UserQuery{})
	if err != nil || page.Total != 1 || len(page.Users) != 1 || page.Users[0].ID != "b1" {
		t.Errorf("ListUsers(_superusers) = %v, %v, want only b1", page, err)
	}
	page, err = s.ListUsers(t.Context(), "unknown", core.UserQuery{})
	if err != nil || page.Total != 0 || len(page.Users) != 0 {
		t.Errorf("ListUsers(unknown) = %v, %v, want empty", page, err)
	}
}

func testListUsersRejects(t *testing.T, s core.Store) {
	listFixture(t, s)
	tests := []struct {
		name string
		q    core.UserQuery
	}{
		{"unknown field", core.UserQuery{Filter: eq("password_hash", "x")}},
		{"column name as field", core.UserQuery{Filter: eq("collection_id", "x")}},
		{"wrong value type", core.UserQuery{Filter: eq("verified", "yes")}},
		{"like on bool", core.UserQuery{Filter: cond("verified", core.OpLike, true)}},
		{"unknown op", core.UserQuery{Filter: cond("name", "LIKE", "x")}},
		{"nested unknown field", core.UserQuery{Filter: core.Or{eq("id", "a1"), core.And{eq("x", "y")}}}},
		{"unknown sort", core.UserQuery{Sort: []core.SortField{{Field: "password_hash"}}}},
		{"sort injection", core.UserQuery{Sort: []core.SortField{{Field: "created; DROP TABLE users"}}}},
		{"negative limit", core.UserQuery{Limit: -1}},
		{"negative offset", core.UserQuery{Offset: -1}},
	}
	for _, tc := range tests {
		if page, err := s.ListUsers(t.Context(), core.UsersID, tc.q); err == nil {
			t.Errorf("%s: ListUsers = %v, want an error", tc.name, ids(page.Users))
		}
	}
	if n, err := s.CountUsers(t.Context(), core.UsersID); err != nil || n != 6 {
		t.Errorf("CountUsers after rejected queries = %d, %v, want 6", n, err)
	}
}

// cmpEmpty treats nil and empty slices alike.
func cmpEmpty() cmp.Option {
	return cmp.FilterValues(func(a, b []string) bool { return len(a) == 0 && len(b) == 0 },
		cmp.Comparer(func(a, b []string) bool { return true }))
}
