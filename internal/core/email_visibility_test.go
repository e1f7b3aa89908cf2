package core_test

import (
	"testing"

	"github.com/gatehouse/gatehouse/internal/core"
)

// TestEmailVisibleTo checks who sees a user's email: the user itself and
// superusers always, anyone (guests included) only when it is public.
func TestEmailVisibleTo(t *testing.T) {
	cols := core.DefaultCollections()
	users, supers := cols[0], cols[1]
	other := &core.Collection{ID: "other", Name: "other"}
	self := &core.Principal{User: core.User{ID: "u1"}, Collection: users}
	sameIDElsewhere := &core.Principal{User: core.User{ID: "u1"}, Collection: other}
	stranger := &core.Principal{User: core.User{ID: "u2"}, Collection: users}
	super := &core.Principal{User: core.User{ID: "s1"}, Collection: supers}

	for _, tc := range []struct {
		name   string
		caller *core.Principal
		public bool
		want   bool
	}{
		{"guest, private", nil, false, false},
		{"guest, public", nil, true, true},
		{"self, private", self, false, true},
		{"another user, private", stranger, false, false},
		{"another user, public", stranger, true, true},
		{"same id in another collection, private", sameIDElsewhere, false, false},
		{"superuser, private", super, false, true},
	} {
		u := core.User{ID: "u1", CollectionID: users.ID, Email: "a@example.com", EmailVisibility: tc.public}
		if got := core.EmailVisibleTo(tc.caller, users, u); got != tc.want {
			t.Errorf("%s: EmailVisibleTo = %v, want %v", tc.name, got, tc.want)
		}
	}
}
