package core

import (
	"context"
	"crypto/sha256"
	"errors"
)

// LogoutRefreshToken ends the session a refresh token belongs to, for
// clients that hold only their refresh token (Directus's logout). A token
// that is unknown, of another collection, or whose session already ended
// is not an error: there is nothing left to end, and the answer does not
// tell which. A token that was already rotated ends its session too: its
// holder could end it anyway by presenting it for a refresh (reuse
// detection), so this grants nothing more.
func (s *Service) LogoutRefreshToken(ctx context.Context, c *Collection, token string) error {
	if token == "" || len(token) > 512 {
		return nil
	}
	sum := sha256.Sum256([]byte(token))
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		rt, err := q.RefreshTokenByHash(ctx, sum[:])
		if errors.Is(err, ErrNotFound) {
			return nil
		} else if err != nil {
			return err
		}
		sess, err := q.SessionByID(ctx, rt.SessionID)
		if errors.Is(err, ErrNotFound) || (err == nil && sess.CollectionID != c.ID) {
			return nil
		} else if err != nil {
			return err
		}
		if err := q.RevokeSession(ctx, sess.ID, RevokedLogout, s.Now()); errors.Is(err, ErrNotFound) {
			return nil // revoked or expired already
		} else if err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditSessionRevoked, c, sess.UserID, map[string]string{"session": sess.ID, "reason": RevokedLogout}))
	}))
}
