package core

import (
	"context"
	"errors"
)

// CreateUser adds a user: a public sign-up when p is a guest (if the
// collection allows it), or an admin create by a superuser, who may also
// set verified.
func (s *Service) CreateUser(ctx context.Context, p *Principal, c *Collection, in UserInput) (User, error) {
	if (c.Superusers || !c.PublicSignup) && !p.IsSuperuser() {
		return User{}, errSuperusersOnly
	}
	fe := fieldErrors{}
	if in.Verified != nil && *in.Verified && !p.IsSuperuser() {
		fe.add("verified", FieldValuesMismatch, "Values don't match.", nil)
	}
	if err := fe.err(); err != nil {
		return User{}, err
	}
	now := s.Now()
	u := User{ID: NewID(), CollectionID: c.ID, Created: now, Updated: now}
	s.applyProfile(fe, c, &u, in)
	if in.Verified != nil {
		u.Verified = *in.Verified
	}
	if c.Superusers {
		u.Verified = true
	}
	fe.checkEmail("email", deref(in.Email))
	u.Email = deref(in.Email)
	fe.checkPassword(c, "password", deref(in.Password))
	if err := fe.err(); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, *in.Password)
	if err != nil {
		return User{}, AsError(err)
	}
	u.PasswordHash = hash
	if err := s.store.InsertUser(ctx, u); errors.Is(err, ErrConflict) {
		return User{}, Invalid(map[string]FieldError{"email": {Code: FieldNotUnique, Message: "Value must be unique."}})
	} else if err != nil {
		return User{}, Internal(err)
	}
	return u, nil
}

// applyProfile validates and copies the optional profile fields.
func (s *Service) applyProfile(fe fieldErrors, c *Collection, u *User, in UserInput) {
	if in.EmailVisibility != nil {
		u.EmailVisibility = *in.EmailVisibility
	}
	if in.Name != nil {
		if !c.HasField("name") {
			fe.add("name", FieldUnknown, "Unknown field.", nil)
			return
		}
		fe.checkText("name", *in.Name, MaxNameLength)
		u.Name = *in.Name
	}
}

func deref[T any](p *T) T {
	var zero T
	if p == nil {
		return zero
	}
	return *p
}
