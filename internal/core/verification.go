package core

import (
	"context"
	"errors"
)

// RequestVerification mails a verification link. It answers the same way
// whether or not the address has an account, is already verified, or was
// mailed moments ago, so it reveals nothing about who is registered; the
// answer is padded to the profile's mail-request floor.
func (s *Service) RequestVerification(ctx context.Context, c *Collection, in MailRequest) error {
	defer s.padMailRequest(ctx)()
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserVerified)
	}
	return s.mailOneTime(ctx, c, in, PurposeVerification, func(u User) bool { return u.Verified })
}

// ConfirmVerification marks the token's user verified and returns its id
// (Directus redirects to the user's page). Confirming an address that is
// already verified succeeds again, as PocketBase does.
func (s *Service) ConfirmVerification(ctx context.Context, c *Collection, token string) (string, error) {
	if c.Superusers {
		return "", NewError(KindInvalid, CodeSuperuserVerified)
	}
	if token == "" {
		return "", Invalid(map[string]FieldError{"token": {Code: FieldRequired}})
	}
	tc, err := s.checkOneTime(ctx, c, token, PurposeVerification)
	if err != nil && !errors.Is(err, errTokenUsed) {
		return "", tokenFieldError(err)
	}
	if err := s.limit(ctx, ActionVerification, ""); err != nil {
		return "", err
	}
	u, uerr := s.store.UserByID(ctx, c.ID, tc.row.UserID)
	if errors.Is(uerr, ErrNotFound) {
		return "", tokenFieldError(errTokenInvalid)
	} else if uerr != nil {
		return "", Internal(uerr)
	}
	if u.Email != tc.email {
		return "", Invalid(map[string]FieldError{"token": {Code: FieldTokenEmailMismatch}})
	}
	if u.Verified {
		return u.ID, nil
	}
	if err != nil { // used, and the user is somehow unverified again
		return "", tokenFieldError(err)
	}
	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.UseOneTimeToken(ctx, tc.row.ID, s.Now()); err != nil {
			if errors.Is(err, ErrNotFound) {
				return tokenFieldError(errTokenInvalid)
			}
			return err
		}
		cur, err := q.UserByID(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		cur.Verified, cur.Updated = true, s.Now()
		if err := q.UpdateUser(ctx, cur); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditEmailVerified, c, cur.ID, nil))
	})
	if err != nil {
		return "", AsError(err)
	}
	return u.ID, nil
}

// AsErrorOrNil is AsError that keeps nil as nil.
func AsErrorOrNil(err error) error {
	if err == nil {
		return nil
	}
	return AsError(err)
}
