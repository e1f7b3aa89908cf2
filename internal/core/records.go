package core

import (
	"context"
	"errors"
)

// UserInput carries the writable fields of a create or update. A nil
// pointer means "not sent".
type UserInput struct {
	// ID, on create, picks the new record's id (PocketBase allows it);
	// on update it may only repeat the record's own id (SDKs send whole
	// records back).
	ID              *string
	Email           *string
	EmailVisibility *bool
	Verified        *bool
	Name            *string
	Password        *string
	// PasswordConfirm is non-nil when the surface's form has a password
	// confirmation field; it must then accompany and equal Password.
	PasswordConfirm *string
	OldPassword     *string
	// Profile, when non-nil, replaces the whole profile document (an
	// empty one removes it); nil keeps it. See checkProfile.
	Profile map[string]any
	// Status, when set, changes the user's status: superusers only, and
	// not their own (see SetUserStatus).
	Status *UserStatus
}

var (
	errSuperusersOnly = NewError(KindForbidden, CodeRecordsRestricted)
	errRecordNotFound = NewError(KindNotFound, CodeNotFound)
)

// RecordAccess reports whether p may use c's records API at all, before
// any input is read: only superusers may touch `_superusers` records, and
// only superusers may create records where public sign-up is off.
func RecordAccess(p *Principal, c *Collection, create bool) error {
	if p.IsSuperuser() {
		return nil
	}
	if c.Superusers || (create && !c.PublicSignup) {
		return errSuperusersOnly
	}
	return nil
}

// canManage reports whether p may read and change user id of c: a
// superuser may touch anyone, a user only itself (PocketBase's default
// rule `id = @request.auth.id`).
func canManage(p *Principal, c *Collection, id string) bool {
	return p.IsSuperuser() || p.Is(c, id)
}

// ViewUser returns one user. Someone the caller may not see reads as
// missing, so ids cannot be probed.
func (s *Service) ViewUser(ctx context.Context, p *Principal, c *Collection, id string) (User, error) {
	if err := RecordAccess(p, c, false); err != nil {
		return User{}, err
	}
	if !canManage(p, c, id) {
		return User{}, errRecordNotFound
	}
	if p.Is(c, id) {
		return p.User, nil // loaded moments ago by Authenticate, in this request
	}
	u, err := s.store.UserByID(ctx, c.ID, id)
	if errors.Is(err, ErrNotFound) {
		return User{}, errRecordNotFound
	} else if err != nil {
		return User{}, Internal(err)
	}
	return u, nil
}

// ListUsers lists users: all of them for a superuser, only the caller
// itself for a user, none for a guest.
func (s *Service) ListUsers(ctx context.Context, p *Principal, c *Collection, q UserQuery) (UserPage, error) {
	if err := RecordAccess(p, c, false); err != nil {
		return UserPage{}, err
	}
	if !CheckFilter(q.Filter) {
		return UserPage{}, NewError(KindInvalid, CodeInvalidFilter)
	}
	for _, f := range q.Sort {
		if _, ok := UserFields[f.Field]; !ok {
			return UserPage{}, NewError(KindInvalid, CodeInvalidSort)
		}
	}
	if !p.IsSuperuser() {
		if p == nil || p.Collection.ID != c.ID {
			return UserPage{Users: []User{}}, nil
		}
		self := Cond{Field: "id", Op: OpEq, Value: p.User.ID}
		if q.Filter == nil {
			q.Filter = self
		} else {
			q.Filter = And{self, q.Filter}
		}
	}
	page, err := s.store.ListUsers(ctx, c.ID, q)
	if err != nil {
		return UserPage{}, Internal(err)
	}
	if page.Users == nil {
		page.Users = []User{}
	}
	return page, nil
}

// DeleteUser removes a user, its sessions and its tokens. The last
// superuser cannot be deleted, so the server never locks its admins out.
func (s *Service) DeleteUser(ctx context.Context, p *Principal, c *Collection, id string) error {
	if err := RecordAccess(p, c, false); err != nil {
		return err
	}
	if err := s.requireFresh(p); err != nil {
		return err
	}
	if !canManage(p, c, id) {
		return errRecordNotFound
	}
	return AsErrorOrNil(s.deleteUser(ctx, p, c, id))
}

func (s *Service) deleteUser(ctx context.Context, p *Principal, c *Collection, id string) error {
	return s.store.InTx(ctx, func(q Queries) error {
		if _, err := q.UserByID(ctx, c.ID, id); errors.Is(err, ErrNotFound) {
			return errRecordNotFound
		} else if err != nil {
			return err
		}
		if c.Superusers {
			n, err := q.CountUsers(ctx, c.ID)
			if err != nil {
				return err
			}
			if n <= 1 {
				return NewError(KindInvalid, CodeLastSuperuser)
			}
		}
		if err := q.DeleteUser(ctx, c.ID, id); err != nil {
			return err
		}
		typ := AuditUserDeleted
		if c.Superusers {
			typ = AuditSuperuserDeleted
		}
		return s.audit(ctx, q, byActor(typ, p, c, id, nil))
	})
}
