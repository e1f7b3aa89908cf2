package core

import (
	"context"
	"errors"
)

// RequestPasswordReset mails a reset link (in.ActionURL, when set, is the
// surface's own). Unknown addresses and repeated requests get the same
// answer as a real first request, padded to the profile's mail-request
// floor.
func (s *Service) RequestPasswordReset(ctx context.Context, c *Collection, in MailRequest) error {
	defer s.padMailRequest(ctx)()
	if !c.PasswordAuth {
		return NewError(KindInvalid, CodePasswordAuthOff)
	}
	return s.mailOneTime(ctx, c, in, PurposePasswordReset, nil)
}

// PasswordResetInput is a password reset confirmation. PasswordConfirm is
// non-nil when the surface's form has a confirmation field.
type PasswordResetInput struct {
	Token           string
	Password        string
	PasswordConfirm *string
}

// ConfirmPasswordReset sets a new password with a reset token. It burns
// the token and every other outstanding one of the user, revokes all of
// the user's sessions, and verifies the address the mail reached.
//
// The form (token, password of 8 to 255 characters, confirmation) is
// checked as a whole first; the collection's password policy after.
func (s *Service) ConfirmPasswordReset(ctx context.Context, c *Collection, in PasswordResetInput) error {
	_, err := s.confirmPasswordReset(ctx, c, in)
	return err
}

// confirmPasswordReset is ConfirmPasswordReset, returning the user as
// the reset left it.
func (s *Service) confirmPasswordReset(ctx context.Context, c *Collection, in PasswordResetInput) (User, error) {
	form := fieldErrors{}
	var tc oneTimeClaims
	if in.Token == "" {
		form.required("token")
	} else {
		var err error
		tc, err = s.checkOneTime(ctx, c, in.Token, PurposePasswordReset)
		if err != nil {
			var ve *Error
			if !errors.As(tokenFieldError(err), &ve) || ve.Kind != KindInvalid {
				return User{}, AsError(err)
			}
			f := ve.Fields["token"]
			form.add("token", f.Code, f.Params)
		}
	}
	form.checkLength("password", in.Password, c.PasswordMin, MaxPasswordLen)
	form.checkConfirm(in.Password, in.PasswordConfirm)
	if err := form.err(); err != nil {
		return User{}, err
	}
	rec := fieldErrors{}
	rec.checkPassword(c, "password", in.Password)
	if err := rec.err(); err != nil {
		return User{}, err
	}
	if err := s.limit(ctx, ActionPasswordReset, ""); err != nil {
		return User{}, err
	}
	if err := s.refuseSamePassword(ctx, c, tc.row.UserID, in.Password); err != nil {
		return User{}, err
	}
	// Hash before the transaction: hashing is slow and must not hold the
	// write lock.
	hash, err := s.hasher.Hash(ctx, in.Password)
	if err != nil {
		return User{}, AsError(err)
	}
	var done User
	err = s.store.InTx(ctx, func(q Queries) error {
		now := s.Now()
		if err := q.UseOneTimeToken(ctx, tc.row.ID, now); err != nil {
			if errors.Is(err, ErrNotFound) {
				return tokenFieldError(errTokenInvalid)
			}
			return err
		}
		u, err := q.UserByID(ctx, c.ID, tc.row.UserID)
		if errors.Is(err, ErrNotFound) {
			return tokenFieldError(errTokenInvalid)
		} else if err != nil {
			return err
		}
		u.PasswordHash, u.Updated = hash, now
		claimed := !u.Verified && u.Email == tc.email
		if claimed {
			u.Verified = true // the reset mail proved the address
		}
		if err := q.UpdateUser(ctx, u); err != nil {
			return err
		}
		if claimed {
			if err := s.dropSquatterAccess(ctx, q, c, u, "password_reset"); err != nil {
				return err
			}
		}
		// A successful reset proves the owner: it also lifts a lockout.
		if err := q.DeleteLoginState(ctx, u.ID); err != nil {
			return err
		}
		if err := s.revokeCredentials(ctx, q, u, RevokedPasswordReset); err != nil {
			return err
		}
		done = u
		return s.audit(ctx, q, byUser(AuditPasswordReset, c, u.ID, nil))
	})
	if err != nil {
		return User{}, AsError(err)
	}
	return done, nil
}

// revokeCredentials ends every session of u and burns its outstanding
// one-time tokens: what PocketBase's tokenKey rotation does on a password
// or email change.
func (s *Service) revokeCredentials(ctx context.Context, q Queries, u User, reason string) error {
	now := s.Now()
	n, err := q.RevokeUserSessions(ctx, u.ID, "", reason, now)
	if err != nil {
		return err
	}
	if err := q.BurnUserTokens(ctx, u.ID, now); err != nil {
		return err
	}
	s.log.InfoContext(ctx, "credentials revoked", "user", u.ID, "reason", reason, "sessions", n)
	return nil
}
