package core

import (
	"context"
	"errors"
)

// CreateUser adds a user: a public sign-up when p is a guest (if the
// collection allows it), or an admin create by a superuser, who may also
// set verified and create the user suspended.
//
// Checks run in PocketBase's two phases: first the form as a whole
// (password and its confirmation present and equal, verified only by a
// superuser), reported alone if any fails; then the record (email format
// and uniqueness, password policy, profile fields).
func (s *Service) CreateUser(ctx context.Context, p *Principal, c *Collection, in UserInput) (User, error) {
	if err := RecordAccess(p, c, true); err != nil {
		return User{}, err
	}
	form := fieldErrors{}
	if deref(in.Password) == "" {
		form.required("password")
	}
	form.checkConfirm(deref(in.Password), in.PasswordConfirm)
	if in.Verified != nil && *in.Verified && !p.IsSuperuser() {
		form.add("verified", FieldValuesMismatch, nil)
	}
	form.checkStatus(p, c.ID, "", nil, in.Status)
	if err := form.err(); err != nil {
		return User{}, err
	}

	now := s.Now()
	u := User{ID: NewID(), CollectionID: c.ID, Created: now, Updated: now, Email: deref(in.Email), Status: UserActive}
	rec := fieldErrors{}
	if in.ID != nil {
		rec.checkID(*in.ID)
		u.ID = *in.ID
	}
	s.applyProfile(rec, c, &u, in)
	if in.Verified != nil {
		u.Verified = *in.Verified
	}
	if in.Status != nil {
		u.Status = in.Status.OrActive()
	}
	if c.Superusers {
		u.Verified = true
	}
	rec.checkEmail("email", u.Email)
	rec.checkPassword(c, "password", *in.Password)
	if err := rec.err(); err != nil {
		return User{}, err
	}
	if !p.IsSuperuser() {
		if err := s.limit(ctx, ActionSignUp, ""); err != nil {
			return User{}, err
		}
	}
	if err := s.emailFree(ctx, c, u.Email); err != nil {
		return User{}, err
	}
	hash, err := s.hasher.Hash(ctx, *in.Password)
	if err != nil {
		return User{}, AsError(err)
	}
	u.PasswordHash = hash
	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.InsertUser(ctx, u); err != nil {
			return err
		}
		typ := AuditUserCreated
		if c.Superusers {
			typ = AuditSuperuserCreated
		}
		e := byActor(typ, p, c, u.ID, nil)
		if p == nil {
			e.ActorID, e.ActorCollection = u.ID, c.ID // a sign-up is the user's own act
		}
		return s.audit(ctx, q, e)
	})
	if errors.Is(err, ErrConflict) {
		// The id is random unless the client chose it, so a clash on a
		// chosen id is the id's fault; otherwise the email is taken.
		if in.ID != nil && s.idTaken(ctx, u.ID) {
			return User{}, Invalid(map[string]FieldError{"id": {Code: FieldNotUnique}})
		}
		return User{}, Invalid(map[string]FieldError{"email": {Code: FieldNotUnique}})
	} else if err != nil {
		return User{}, Internal(err)
	}
	return u, nil
}

// idTaken reports whether any collection already has a record with id
// (ids are unique across collections).
func (s *Service) idTaken(ctx context.Context, id string) bool {
	for _, c := range s.collections.All() {
		if _, err := s.store.UserByID(ctx, c.ID, id); err == nil {
			return true
		}
	}
	return false
}

// applyProfile validates and copies the optional profile fields, the
// profile document among them.
func (s *Service) applyProfile(fe fieldErrors, c *Collection, u *User, in UserInput) {
	if in.Profile != nil {
		u.Profile = fe.checkProfile("profile", in.Profile)
	}
	if in.EmailVisibility != nil {
		u.EmailVisibility = *in.EmailVisibility
	}
	if in.Name != nil {
		if !c.HasField("name") {
			fe.add("name", FieldUnknown, nil)
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

// emailFree refuses, when the profile folds email case, an address that
// differs from a registered one only in letter case: such a profile's
// logins could not tell the two accounts apart. (Without folding the
// store's unique index decides, on the exact spelling.)
func (s *Service) emailFree(ctx context.Context, c *Collection, email string) error {
	if !s.profile.FoldEmailCase || email == "" {
		return nil
	}
	_, err := s.userByEmail(ctx, c, email)
	switch {
	case err == nil:
		return Invalid(map[string]FieldError{"email": {Code: FieldNotUnique}})
	case !errors.Is(err, ErrNotFound):
		return Internal(err)
	}
	return nil
}
