package core

import "context"

// dropSquatterAccess removes every way in that someone other than the
// email's owner may have attached to an account that was never verified:
// an authenticator app (with its recovery codes) and provider links. It
// runs when the owner proves the address (an emailed code, a reset link,
// a provider vouching for the email); callers also end the sessions and
// replace or drop the password.
func (s *Service) dropSquatterAccess(ctx context.Context, q Queries, c *Collection, u User, method string) error {
	f, err := q.TOTPFactor(ctx, u.ID)
	if err == nil && f.Confirmed {
		if err := s.audit(ctx, q, byUser(AuditTOTPDisabled, c, u.ID, map[string]string{"reason": "claimed_by_" + method})); err != nil {
			return err
		}
	}
	if err := q.DeleteTOTPFactor(ctx, u.ID); err != nil {
		return err
	}
	_, err = q.DeleteUserIdentities(ctx, u.ID)
	return err
}

// claimAddress marks an unverified account verified after its owner
// proved the address with a mailed secret (a code, a magic link; method
// names it). When no second factor will follow, it also replaces the
// password and ends every session: they may have been set up by someone
// who registered the address before its owner.
func (s *Service) claimAddress(ctx context.Context, c *Collection, u User, method string) (User, error) {
	// An authenticator on a never-verified account was not set up by the
	// address's owner: it goes (below, in the transaction), so only the
	// collection's own MFA rule counts here.
	need := c.MFA.Enabled || (c.Superusers && c.OTP.Enabled)
	var hash string
	var err error
	if !need {
		if hash, err = s.hasher.Hash(ctx, NewSecret()); err != nil {
			return User{}, AsError(err)
		}
	}
	err = s.store.InTx(ctx, func(q Queries) error {
		cur, err := q.UserByID(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		cur.Verified, cur.Updated = true, s.Now()
		if hash != "" {
			cur.PasswordHash = hash
		}
		if err := q.UpdateUser(ctx, cur); err != nil {
			return err
		}
		if err := s.dropSquatterAccess(ctx, q, c, cur, method); err != nil {
			return err
		}
		u = cur
		if hash != "" {
			if err := s.revokeCredentials(ctx, q, cur, "claimed_by_"+method); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, byUser(AuditEmailVerified, c, cur.ID, map[string]string{"method": method}))
	})
	return u, AsErrorOrNil(err)
}
