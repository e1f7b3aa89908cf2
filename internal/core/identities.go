package core

import (
	"context"
	"errors"
)

// ListIdentities returns the provider accounts linked to user userID of
// c: the user's own, or anyone's for a superuser.
func (s *Service) ListIdentities(ctx context.Context, p *Principal, c *Collection, userID string) ([]Identity, error) {
	if err := s.canSeeSessions(ctx, p, c, userID); err != nil {
		return nil, err
	}
	list, err := s.store.ListUserIdentities(ctx, userID)
	if err != nil {
		return nil, Internal(err)
	}
	if list == nil {
		list = []Identity{}
	}
	return list, nil
}

// UnlinkIdentity removes a provider link. It refuses to remove the last
// way the user can sign in: a user without a password (created through
// OAuth2) keeps at least one link unless emailed codes can log them in.
func (s *Service) UnlinkIdentity(ctx context.Context, p *Principal, c *Collection, userID, identityID string) error {
	if err := s.canSeeSessions(ctx, p, c, userID); err != nil {
		return err
	}
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		u, err := q.UserByID(ctx, c.ID, userID)
		if err != nil {
			return err
		}
		list, err := q.ListUserIdentities(ctx, userID)
		if err != nil {
			return err
		}
		var provider string
		for _, i := range list {
			if i.ID == identityID {
				provider = i.Provider
			}
		}
		if provider == "" {
			return errRecordNotFound
		}
		if len(list) == 1 && u.PasswordHash == "" && !c.OTP.Enabled {
			return NewError(KindInvalid, CodeLastLoginMethod)
		}
		if err := q.DeleteIdentity(ctx, userID, identityID); errors.Is(err, ErrNotFound) {
			return errRecordNotFound
		} else if err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditIdentityUnlink, p, c, userID, map[string]string{"provider": provider}))
	}))
}
