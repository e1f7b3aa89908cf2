package core

import "context"

// RevokedNewLogin is why a login of a SingleSession profile ended the
// user's other sessions.
const RevokedNewLogin = "new_login"

// maxClientLen bounds a session's client label (Client.App), which a
// request header may carry.
const maxClientLen = 128

// endOtherSessions ends the user's other sessions, in the login's
// transaction, when the profile allows one session per user
// (SingleSession): every session of u but keep, or with
// SingleSessionPerClient only those the same app client opened (the
// sessions other surfaces opened have another client, so they stay).
// Otherwise it does nothing.
func (s *Service) endOtherSessions(ctx context.Context, q Queries, c *Collection, u User, keep Session) error {
	if !s.profile.SingleSession {
		return nil
	}
	now := s.Now()
	n := 0
	if !s.profile.SingleSessionPerClient {
		var err error
		if n, err = q.RevokeUserSessions(ctx, u.ID, keep.ID, RevokedNewLogin, now); err != nil {
			return err
		}
	} else {
		live, err := q.ListUserSessions(ctx, u.ID, now)
		if err != nil {
			return err
		}
		for _, o := range live {
			if o.ID == keep.ID || o.Client != keep.Client {
				continue
			}
			if err := q.RevokeSession(ctx, o.ID, RevokedNewLogin, now); err != nil {
				return err
			}
			n++
		}
	}
	if n == 0 {
		return nil
	}
	return s.audit(ctx, q, byUser(AuditSessionRevoked, c, u.ID, map[string]string{"reason": RevokedNewLogin, "count": itoa(n)}))
}

// clientBound refuses, when the profile binds tokens to their client
// (BindClient), a session opened by another app client than the one the
// request names: Conduit's tokens belong to the client that logged in.
func (s *Service) clientBound(ctx context.Context, sess Session) error {
	if !s.profile.BindClient || sess.Client == ClientFrom(ctx).App {
		return nil
	}
	return badToken(ErrWrongClient)
}
