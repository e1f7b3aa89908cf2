package core

import (
	"context"
	"errors"
)

// UpdateUser changes a user. Users may change their own profile and
// password (proving the old one); only superusers may change email or
// verified directly or skip the old password. A password or email change
// ends every session of the user, the caller's included, as PocketBase's
// token rules do.
//
// As in CreateUser, form-level problems (the password trio, forbidden
// email or verified changes, a foreign id) are reported alone, before
// record-level ones.
func (s *Service) UpdateUser(ctx context.Context, p *Principal, c *Collection, id string, in UserInput) (User, error) {
	if err := RecordAccess(p, c, false); err != nil {
		return User{}, err
	}
	if !canManage(p, c, id) {
		return User{}, errRecordNotFound
	}
	cur, err := s.store.UserByID(ctx, c.ID, id)
	if errors.Is(err, ErrNotFound) {
		return User{}, errRecordNotFound
	} else if err != nil {
		return User{}, Internal(err)
	}
	if err := s.updateFormErrors(ctx, p, cur, in); err != nil {
		return User{}, err
	}

	u := cur
	rec := fieldErrors{}
	s.applyProfile(rec, c, &u, in)
	if in.Verified != nil && !c.Superusers {
		u.Verified = *in.Verified
	}
	if in.Email != nil {
		rec.checkEmail("email", *in.Email)
		u.Email = *in.Email
	}
	if in.Password != nil {
		rec.checkPassword(c, "password", *in.Password)
	}
	if err := rec.err(); err != nil {
		return User{}, err
	}
	var newHash string
	if in.Password != nil {
		if newHash, err = s.hasher.Hash(ctx, *in.Password); err != nil {
			return User{}, AsError(err)
		}
		u.PasswordHash = newHash
	}
	u.Updated = s.Now()

	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		switch {
		case newHash != "":
			return s.revokeCredentials(ctx, q, u, RevokedPasswordChanged)
		case u.Email != cur.Email:
			return s.revokeCredentials(ctx, q, u, RevokedEmailChanged)
		}
		return nil
	})
	switch {
	case errors.Is(err, ErrConflict):
		return User{}, Invalid(map[string]FieldError{"email": {Code: FieldNotUnique, Message: "Value must be unique."}})
	case errors.Is(err, ErrNotFound):
		return User{}, errRecordNotFound
	case err != nil:
		return User{}, AsError(err)
	}
	return u, nil
}

// updateFormErrors runs the form-level checks of an update.
func (s *Service) updateFormErrors(ctx context.Context, p *Principal, cur User, in UserInput) error {
	super := p.IsSuperuser()
	form := fieldErrors{}
	if in.ID != nil && *in.ID != cur.ID {
		form.add("id", FieldValuesMismatch, "Values don't match.", nil)
	}
	if !super && in.Email != nil && *in.Email != cur.Email {
		form.add("email", FieldValuesMismatch, "Values don't match.", nil)
	}
	if !super && in.Verified != nil && *in.Verified != cur.Verified {
		form.add("verified", FieldValuesMismatch, "Values don't match.", nil)
	}
	changing := in.Password != nil || deref(in.PasswordConfirm) != "" || deref(in.OldPassword) != ""
	if changing {
		if deref(in.Password) == "" {
			form.required("password")
		}
		form.checkConfirm(deref(in.Password), in.PasswordConfirm)
		if !super {
			if err := s.checkOldPassword(ctx, form, cur, deref(in.OldPassword)); err != nil {
				return err
			}
		}
	}
	return form.err()
}

// checkOldPassword requires and verifies the current password before a
// user changes it. Only a saturated hasher is returned as an error; a
// wrong or missing password becomes a field error.
func (s *Service) checkOldPassword(ctx context.Context, fe fieldErrors, u User, old string) error {
	if old == "" {
		fe.required("oldPassword")
		return nil
	}
	ok, _, err := s.hasher.Verify(ctx, u.PasswordHash, old)
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	if err != nil || !ok {
		fe.add("oldPassword", FieldInvalidOldPassword, "Missing or invalid old password.", nil)
	}
	return nil
}
