package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// accessAnswer is GET <api>/access's body: Payload's sanitised
// permissions, where only what is allowed is listed.
type accessAnswer struct {
	CanAccessAdmin bool                         `json:"canAccessAdmin,omitempty"`
	Collections    map[string]orderedObject     `json:"collections"`
	Globals        map[string]globalPermissions `json:"globals"`
}

// globalPermissions stands for a global's permissions; Gatehouse serves
// no globals, so the map is always empty.
type globalPermissions = struct{}

// handleAccess answers GET <api>/access for the caller (a guest
// included): per slug, what core's rules let it do with the users
// (core.PermissionsOf), and canAccessAdmin when it is a user of a slug's
// collection or a superuser.
func (s *server) handleAccess() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := anyCaller(r)
		out := accessAnswer{Collections: map[string]orderedObject{}, Globals: map[string]globalPermissions{}}
		for _, sl := range s.slugs {
			perm := s.permissions(p, sl)
			out.CanAccessAdmin = out.CanAccessAdmin || perm.Admin
			o := orderedObject{}
			for _, op := range []struct {
				key string
				ok  bool
			}{
				{"create", perm.Create}, {"read", perm.Read}, {"update", perm.Update},
				{"delete", perm.Delete}, {"unlock", perm.Unlock}, {"fields", perm.Read},
			} {
				if op.ok {
					o.add(op.key, true)
				}
			}
			if len(o.members) > 0 {
				out.Collections[sl.name] = o
			}
		}
		return httpapi.WriteJSON(w, http.StatusOK, out)
	})
}

// permissions is what p (nil for a guest) may do with sl's users, by
// core's rules: the data of REST's access view and GraphQL's Access.
func (s *server) permissions(p *core.Principal, sl slug) core.Permissions {
	return core.PermissionsOf(p, sl.c, s.opt.unlockRule())
}
