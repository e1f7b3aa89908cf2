package core

import "context"

// RevokedNewLogin is why a login of a SingleSession profile ended the
// user's other sessions.
const RevokedNewLogin = "new_login"

// endOtherSessions ends every session of u but keep, in the login's
// transaction, when the profile allows one session per user
// (SingleSession); otherwise it does nothing. The sessions of every
// surface count: a user has one set of sessions.
func (s *Service) endOtherSessions(ctx context.Context, q Queries, c *Collection, u User, keep string) error {
	if !s.profile.SingleSession {
		return nil
	}
	n, err := q.RevokeUserSessions(ctx, u.ID, keep, RevokedNewLogin, s.Now())
	if err != nil || n == 0 {
		return err
	}
	return s.audit(ctx, q, byUser(AuditSessionRevoked, c, u.ID, map[string]string{"reason": RevokedNewLogin, "count": itoa(n)}))
}
