package storetest

import (
	"slices"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// testUsersByEmailFold: case-insensitive lookups fold ASCII letters only,
// stay within the collection, honour the limit, and never treat LIKE
// wildcards as wildcards.
func testUsersByEmailFold(t *testing.T, s core.Store) {
	ctx := t.Context()
	base := time.UnixMilli(1_700_000_000_000).UTC()
	for i, u := range []core.User{
		user(core.UsersID, "u1", "Ada@Example.com"),
		user(core.UsersID, "u2", "bob@example.com"),
		user(core.UsersID, "u3", "BOB@example.com"),
		user(core.UsersID, "u4", "élodie@example.com"),
		user(core.UsersID, "u5", "a_b@example.com"),
		user(core.SuperusersID, "s1", "ada@example.com"),
		user(core.UsersID, "u6", ""),
	} {
		u.Created = base.Add(time.Duration(i) * time.Millisecond)
		u.Updated = u.Created
		insertUser(t, s, u)
	}
	ids := func(email string, limit int) []string {
		t.Helper()
		us, err := s.UsersByEmailFold(ctx, core.UsersID, email, limit)
		wantOK(t, "UsersByEmailFold", err)
		out := []string{}
		for _, u := range us {
			out = append(out, u.ID)
		}
		return out
	}
	for _, tc := range []struct {
		email string
		limit int
		want  []string
	}{
		{"ada@example.com", 5, []string{"u1"}},
		{"ADA@EXAMPLE.COM", 5, []string{"u1"}},
		{"Ada@Example.com", 5, []string{"u1"}},
		{"bob@EXAMPLE.com", 5, []string{"u2", "u3"}},
		{"bob@example.com", 1, []string{"u2"}},
		{"ÉLODIE@example.com", 5, []string{}}, // non-ASCII letters are not folded
		{"élodie@EXAMPLE.com", 5, []string{"u4"}},
		{"a%b@example.com", 5, []string{}}, // no LIKE wildcards
		{"axb@example.com", 5, []string{}},
		{"ada@example", 5, []string{}},
		{"", 5, []string{}},
		{"ada@example.com", 0, []string{}},
		{"a\x00@example.com", 5, []string{}},
	} {
		if got := ids(tc.email, tc.limit); !slices.Equal(got, tc.want) {
			t.Errorf("UsersByEmailFold(%q, %d) = %v, want %v", tc.email, tc.limit, got, tc.want)
		}
	}
}
