package core

import (
	"context"
	"errors"
)

// UnlockRule says who may lift a lockout by email: Payload's
// collection-level `access.unlock`.
type UnlockRule uint8

// The unlock rules.
const (
	// UnlockByMember lets any logged-in user of the collection (and any
	// superuser) unlock an account of it: Payload's default.
	UnlockByMember UnlockRule = iota
	// UnlockBySuperuser lets only superusers unlock.
	UnlockBySuperuser
)

// Allows reports whether p may unlock accounts of c under the rule.
func (r UnlockRule) Allows(p *Principal, c *Collection) bool {
	switch {
	case p == nil:
		return false
	case p.IsSuperuser():
		return true
	}
	return r == UnlockByMember && p.Collection.ID == c.ID
}

// Unlock lifts the lockout of c's account with the given email (its
// failed-login count too), for a caller the rule allows. A guest is
// unauthenticated, a caller the rule refuses forbidden, an unknown email
// not found: only callers already trusted with unlocking learn whether an
// address has an account. Unlocking an account that is not locked
// succeeds.
func (s *Service) Unlock(ctx context.Context, p *Principal, c *Collection, email string, rule UnlockRule) error {
	if p == nil {
		return NewError(KindUnauthenticated, CodeAuthRequired)
	}
	if !rule.Allows(p, c) {
		return NewError(KindForbidden, CodeSuperuserRequired)
	}
	by := "user"
	if p.IsSuperuser() {
		by = "superuser"
	}
	return s.unlockEmail(ctx, p, c, email, by)
}

// unlockEmail lifts the lockout of c's account with email, recording in
// the audit log who did (p, nil for the embedding program) and how.
func (s *Service) unlockEmail(ctx context.Context, p *Principal, c *Collection, email, by string) error {
	if email == "" {
		return Invalid(map[string]FieldError{"email": {Code: FieldRequired}})
	}
	u, err := s.userByEmail(ctx, c, email)
	if errors.Is(err, ErrNotFound) {
		return errRecordNotFound
	} else if err != nil {
		return Internal(err)
	}
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		if err := q.DeleteLoginState(ctx, u.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, byActor(AuditAccountUnlocked, p, c, u.ID, map[string]string{"by": by}))
	}))
}
