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
	return s.requestEmailChange(ctx, p, c, newEmail, PurposeEmailChange, "")
}

// requestEmailChange checks the new address and mails a token of purpose
// pur to it (actionURL, when set, is the surface's own link).
func (s *Service) requestEmailChange(ctx context.Context, p *Principal, c *Collection, newEmail string, pur Purpose, actionURL string) error {
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
		return s.issueOneTime(ctx, q, c, p.User, pur, newEmail, actionURL)
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
	tc, u, err := s.emailChangeTarget(ctx, c, token, PurposeEmailChange)
	if err != nil {
		return err
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
	return s.applyEmailChange(ctx, c, tc, u, true)
}

// applyEmailChange spends the checked token tc and moves u to its new
// address, verified, ending every session and outstanding token of u.
// With samePassword, it refuses when u's password changed since the
// caller checked it.
func (s *Service) applyEmailChange(ctx context.Context, c *Collection, tc oneTimeClaims, u User, samePassword bool) error {
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
		if cur.Email != tc.email || (samePassword && cur.PasswordHash != u.PasswordHash) {
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

// emailChangeTarget is what both confirmations of an email change check
// first: the rate limit, the token of purpose p (with the new address in
// it), and its user, still at the address the token was issued for.
func (s *Service) emailChangeTarget(ctx context.Context, c *Collection, token string, p Purpose) (oneTimeClaims, User, error) {
	if err := s.limit(ctx, ActionEmailChange, ""); err != nil {
		return oneTimeClaims{}, User{}, err
	}
	tc, err := s.checkOneTime(ctx, c, token, p)
	if err != nil {
		return oneTimeClaims{}, User{}, tokenFieldError(err)
	}
	if tc.newEmail == "" {
		return oneTimeClaims{}, User{}, Invalid(map[string]FieldError{"token": {Code: FieldTokenPayload}})
	}
	u, err := s.store.UserByID(ctx, c.ID, tc.row.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Email != tc.email) {
		return oneTimeClaims{}, User{}, tokenFieldError(errTokenInvalid)
	} else if err != nil {
		return oneTimeClaims{}, User{}, Internal(err)
	}
	return tc, u, nil
}
