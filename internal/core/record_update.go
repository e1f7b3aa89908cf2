package core

import (
	"context"
	"errors"
)

// UpdateUser changes a user. Users may change their own profile and
// password (proving the old one); only superusers may change email or
// verified directly or skip the old password, and only they may change
// another user's status (a suspension ends its sessions; see
// SetUserStatus). A password or email change
// ends every session of the user, the caller's included, as PocketBase's
// token rules do.
//
// As in CreateUser, form-level problems (the password trio, forbidden
// email or verified changes, a foreign id) are reported alone, before
// record-level ones. The changes are applied to the row as it is inside
// the transaction, so a concurrent change (an email confirmed, a password
// reset) is never overwritten with stale values.
func (s *Service) UpdateUser(ctx context.Context, p *Principal, c *Collection, id string, in UserInput) (User, error) {
	if err := RecordAccess(p, c, false); err != nil {
		return User{}, err
	}
	if !canManage(p, c, id) {
		return User{}, errRecordNotFound
	}
	if in.Password != nil || in.Email != nil {
		if err := s.requireFresh(p); err != nil {
			return User{}, err
		}
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
	rec := fieldErrors{}
	check := cur
	s.applyProfile(rec, c, &check, in)
	if in.Email != nil {
		rec.checkEmail("email", *in.Email)
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
	}

	var u User
	err = s.store.InTx(ctx, func(q Queries) error {
		fresh, err := q.UserByID(ctx, c.ID, id)
		if err != nil {
			return err
		}
		if newHash != "" && !p.IsSuperuser() && fresh.PasswordHash != cur.PasswordHash {
			// The old password we checked is no longer the password.
			return Invalid(map[string]FieldError{"oldPassword": {Code: FieldInvalidOldPassword}})
		}
		u = fresh
		s.applyProfile(fieldErrors{}, c, &u, in)
		if in.Verified != nil && !c.Superusers {
			u.Verified = *in.Verified
		}
		if in.Status != nil {
			u.Status = in.Status.OrActive()
		}
		if in.Email != nil {
			u.Email = *in.Email
		}
		if newHash != "" {
			u.PasswordHash = newHash
		}
		u.Updated = s.Now()
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		return s.auditUpdate(ctx, q, p, c, fresh, u)
	})
	switch {
	case errors.Is(err, ErrConflict):
		return User{}, Invalid(map[string]FieldError{"email": {Code: FieldNotUnique}})
	case errors.Is(err, ErrNotFound):
		return User{}, errRecordNotFound
	case err != nil:
		return User{}, AsError(err)
	}
	return u, nil
}

// auditUpdate revokes what a password or email change must revoke and
// records the update.
func (s *Service) auditUpdate(ctx context.Context, q Queries, p *Principal, c *Collection, before, after User) error {
	if err := s.statusChanged(ctx, q, p, c, before, after); err != nil {
		return err
	}
	pwChanged, emailChanged := after.PasswordHash != before.PasswordHash, after.Email != before.Email
	switch {
	case pwChanged:
		if err := s.revokeCredentials(ctx, q, after, RevokedPasswordChanged); err != nil {
			return err
		}
		if err := s.audit(ctx, q, byActor(AuditPasswordChanged, p, c, after.ID, nil)); err != nil {
			return err
		}
	case emailChanged:
		if err := s.revokeCredentials(ctx, q, after, RevokedEmailChanged); err != nil {
			return err
		}
	}
	if emailChanged {
		if err := s.audit(ctx, q, byActor(AuditEmailChanged, p, c, after.ID, map[string]string{"by": "superuser"})); err != nil {
			return err
		}
	}
	if p.IsSuperuser() && !p.Is(c, after.ID) {
		return s.audit(ctx, q, byActor(AuditUserUpdatedByAdmin, p, c, after.ID, nil))
	}
	return nil
}

// updateFormErrors runs the form-level checks of an update.
func (s *Service) updateFormErrors(ctx context.Context, p *Principal, cur User, in UserInput) error {
	super := p.IsSuperuser()
	form := fieldErrors{}
	if in.ID != nil && *in.ID != cur.ID {
		form.add("id", FieldValuesMismatch, nil)
	}
	if !super && in.Email != nil && *in.Email != cur.Email {
		form.add("email", FieldValuesMismatch, nil)
	}
	if !super && in.Verified != nil && *in.Verified != cur.Verified {
		form.add("verified", FieldValuesMismatch, nil)
	}
	form.checkStatus(p, cur.CollectionID, cur.ID, &cur, in.Status)
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
	ok, _, err := s.verifyPassword(ctx, u, old)
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	if err != nil || !ok {
		fe.add("oldPassword", FieldInvalidOldPassword, nil)
	}
	return nil
}
