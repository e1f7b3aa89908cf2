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
