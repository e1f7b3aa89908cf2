package core

import (
	"context"
	"errors"
)

// RequestEmailChange mails a confirmation link to the new address, which
// must be free. The change happens only when the link is used, so an
// attacker holding a session cannot silently move the account to an
// address they control without also knowing the password.
func (s *Service) RequestEmailChange(ctx context.Context, p *Principal, c *Collection, newEmail string) error {
	if err := RequireSameCollection(p, c); err != nil {
		return err
	}
	if err := s.requireFresh(p); err != nil {
		return err
	}
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserEmail)
	}
	fe := fieldErrors{}
	fe.checkEmail("newEmail", newEmail)
	if newEmail != "" && newEmail == p.User.Email {
		fe.add("newEmail", FieldNotInInvalid, nil)
	}
	if err := fe.err(); err != nil {
		return err
	}
	if err := s.limit(ctx, ActionEmailChange, "user\x00"+p.User.ID); err != nil {
		return err
	}
	if _, err := s.store.UserByEmail(ctx, c.ID, newEmail); err == nil {
		return Invalid(map[string]FieldError{"newEmail": {Code: FieldInvalidNewEmail}})
	} else if !errors.Is(err, ErrNotFound) {
		return Internal(err)
	}
	if err := s.store.InTx(ctx, func(q Queries) error {
		return s.issueOneTime(ctx, q, c, p.User, PurposeEmailChange, newEmail, "")
	}); err != nil {
		return AsError(err)
	}
	s.mailQueued()
	return nil
}

// ConfirmEmailChange moves the account to the token's new address after
// checking the current password. The new address counts as verified (the
// mail reached it), and every session and outstanding token of the user
// ends.
func (s *Service) ConfirmEmailChange(ctx context.Context, c *Collection, token, password string) error {
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserEmail)
	}
	fe := fieldErrors{}
	if token == "" {
		fe.required("token")
	}
	fe.checkLength("password", password, 1, 100)
	if err := fe.err(); err != nil {
		return err
	}
	if err := s.limit(ctx, ActionEmailChange, ""); err != nil {
		return err
	}
	tc, err := s.checkOneTime(ctx, c, token, PurposeEmailChange)
	if err != nil {
		return tokenFieldError(err)
	}
	if tc.newEmail == "" {
		return Invalid(map[string]FieldError{"token": {Code: FieldTokenPayload}})
	}
	u, err := s.store.UserByID(ctx, c.ID, tc.row.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Email != tc.email) {
		return tokenFieldError(errTokenInvalid)
	} else if err != nil {
		return Internal(err)
	}
	ok, _, err := s.verifyPassword(ctx, u, password)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			return ce
		}
		s.log.ErrorContext(ctx, "unreadable password hash", "user", u.ID, "err", err)
	}
	if !ok {
		return Invalid(map[string]FieldError{"password": {Code: FieldInvalidPassword}})
	}
	errTaken := Invalid(map[string]FieldError{"token": {Code: FieldTokenEmail}})
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		now := s.Now()
		if err := q.UseOneTimeToken(ctx, tc.row.ID, now); err != nil {
			if errors.Is(err, ErrNotFound) {
				return tokenFieldError(errTokenInvalid)
			}
			return err
		}
		cur, err := q.UserByID(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		if cur.Email != tc.email || cur.PasswordHash != u.PasswordHash {
			return tokenFieldError(errTokenInvalid) // changed since we checked
		}
		cur.Email, cur.Verified, cur.Updated = tc.newEmail, true, now
		if err := q.UpdateUser(ctx, cur); errors.Is(err, ErrConflict) {
			return errTaken
		} else if err != nil {
			return err
		}
		if err := s.revokeCredentials(ctx, q, cur, RevokedEmailChanged); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditEmailChanged, c, cur.ID, nil))
	}))
}
