package core

import (
	"context"
	"errors"
	"time"
)

// RequireSuperuser checks that the caller is a superuser.
func RequireSuperuser(p *Principal) error {
	if p == nil {
		return NewError(KindUnauthenticated, CodeAuthRequired)
	}
	if !p.IsSuperuser() {
		return NewError(KindForbidden, CodeSuperuserRequired)
	}
	return nil
}

// Impersonate lets a superuser act as another user: it opens a session for
// that user, marked with the superuser's id, whose token cannot be
// refreshed. A zero duration means the collection's token lifetime. A
// suspended user cannot be impersonated.
func (s *Service) Impersonate(ctx context.Context, p *Principal, c *Collection, userID string, d time.Duration) (AuthResult, error) {
	if err := RequireSuperuser(p); err != nil {
		return AuthResult{}, err
	}
	if d < 0 {
		return AuthResult{}, Invalid(map[string]FieldError{"duration": {
			Code: FieldMinValue, Params: map[string]any{"threshold": 0}}})
	}
	if d == 0 {
		d = c.AuthTokenTTL
	}
	d = min(d, MaxTokenTTL)
	u, err := s.store.UserByID(ctx, c.ID, userID)
	if errors.Is(err, ErrNotFound) {
		return AuthResult{}, NewError(KindNotFound, CodeNotFound)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if u.Suspended() {
		// Its token would be refused anyway (Authenticate).
		return AuthResult{}, NewError(KindForbidden, CodeUserSuspended)
	}
	var res AuthResult
	err = s.store.InTx(ctx, func(q Queries) error {
		var err error
		res, err = s.openSession(ctx, q, c, u, sessionOptions{
			amr: []string{"impersonate"}, ttl: d, impersonator: p.User.ID,
		})
		if err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditImpersonation, p, c, u.ID, map[string]string{
			"session": res.Session.ID, "duration": d.String(),
		}))
	})
	return res, AsErrorOrNil(err)
}
