package core

import (
	"context"
	"errors"
)

// refuseSamePassword refuses, when the profile says so (Conduit), a reset
// to the password the user already has: a reset is for a password the
// user lost or wants rid of, and keeping it would end every session for
// nothing. It runs after the reset token was checked, so only its holder
// learns whether the password matched.
func (s *Service) refuseSamePassword(ctx context.Context, c *Collection, userID, password string) error {
	if !s.profile.RefuseSamePassword {
		return nil
	}
	u, err := s.store.UserByID(ctx, c.ID, userID)
	if errors.Is(err, ErrNotFound) {
		return tokenFieldError(errTokenInvalid)
	} else if err != nil {
		return Internal(err)
	}
	same, _, err := s.verifyPassword(ctx, u, password)
	var ce *Error
	if errors.As(err, &ce) {
		return ce // busy or cancelled: let the client retry
	}
	if err != nil {
		// An unreadable stored hash is no reason to refuse the reset that
		// replaces it.
		s.log.ErrorContext(ctx, "unreadable password hash", "user", u.ID, "err", err)
		return nil
	}
	if same {
		return NewError(KindForbidden, CodePasswordUnchanged)
	}
	return nil
}
