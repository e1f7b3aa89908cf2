package gatehouse

import (
	"context"
	"errors"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Unlock lifts the lockout of the account with the given email (and its
// count of failed logins). The program needs no permission for it; the
// audit log records the unlock as the program's.
func (g *Gatehouse) Unlock(ctx context.Context, collection, email string) error {
	c, err := g.collection(collection)
	if err != nil {
		return err
	}
	return errOf(g.app.Service.Program().Unlock(ctx, c, email))
}

// Permissions are what a caller may do with one collection's users.
type Permissions struct {
	// Create: sign up (public sign-up) or create users (a superuser).
	Create bool
	// Read, Update, Delete: some user (itself, or anyone for a
	// superuser).
	Read, Update, Delete bool
	// Unlock: lift lockouts (any logged-in user of the collection, as
	// Payload's default rule).
	Unlock bool
}

// Access is what a token's holder may do (Payload's access operation).
type Access struct {
	// CanAccessAdmin: the holder is a user of one of the collections, or
	// a superuser.
	CanAccessAdmin bool
	// Collections holds the permissions per collection asked about.
	Collections map[string]Permissions
}

// Access reports what the holder of token may do with the users of each
// named collection ("users" when none is named). An empty or invalid
// token is a guest's access, not an error.
func (g *Gatehouse) Access(ctx context.Context, token string, collections ...string) (Access, error) {
	var p *core.Principal
	if token != "" {
		var err error
		p, err = g.app.Service.Authenticate(ctx, token)
		var ce *core.Error
		if err != nil && !(errors.As(err, &ce) && ce.Kind == core.KindUnauthenticated) {
			return Access{}, errOf(err)
		}
		if err != nil {
			p = nil // a guest
		}
	}
	if len(collections) == 0 {
		collections = []string{"users"}
	}
	out := Access{Collections: map[string]Permissions{}}
	for _, name := range collections {
		c, err := g.collection(name)
		if err != nil {
			return Access{}, err
		}
		perm := core.PermissionsOf(p, c, core.UnlockByMember)
		out.CanAccessAdmin = out.CanAccessAdmin || perm.Admin
		out.Collections[c.Name] = Permissions{Create: perm.Create, Read: perm.Read, Update: perm.Update,
			Delete: perm.Delete, Unlock: perm.Unlock}
	}
	return out, nil
}
