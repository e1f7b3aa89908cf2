package core

import (
	"context"
	"errors"
	"slices"
	"time"
)

// PasswordLogin is an auth-with-password attempt.
type PasswordLogin struct {
	Identity string
	// IdentityField, when set, names the one identity field to look up;
	// otherwise each of the collection's identity fields is tried.
	IdentityField string
	Password      string
	// RefreshToken asks for an opaque refresh token besides the access
	// token.
	RefreshToken bool
	// MFAID completes an MFA login whose first factor was another method.
	MFAID string
}

// errBadCredentials is the one answer for an unknown identity and a wrong
// password alike.
var errBadCredentials = NewError(KindUnauthenticated, CodeInvalidCredentials)

// LoginWithPassword authenticates by identity and password and opens a
// session. It is rate limited per client IP and per identity, and locks
// an account after repeated failures. Unknown identities and locked
// accounts cost one dummy hash, so they take as long as wrong passwords,
// and every answer is padded to the profile's login floor.
func (s *Service) LoginWithPassword(ctx context.Context, c *Collection, in PasswordLogin) (AuthResult, error) {
	defer s.padLogin(ctx)()
	if !c.PasswordAuth {
		return AuthResult{}, NewError(KindForbidden, CodePasswordAuthOff)
	}
	fe := fieldErrors{}
	fe.checkLength("identity", in.Identity, 1, MaxIdentityLen)
	fe.checkLength("password", in.Password, 1, MaxPasswordLen)
	if in.IdentityField != "" && !slices.Contains(c.IdentityFields, in.IdentityField) {
		fe.add("identityField", FieldInInvalid, nil)
	}
	if err := fe.err(); err != nil {
		return AuthResult{}, err
	}
	if err := s.limit(ctx, ActionLogin, c.ID+"\x00"+identityKey(in.Identity)); err != nil {
		s.metrics.Login("rate_limited")
		return AuthResult{}, err
	}

	u, err := s.findByIdentity(ctx, c, in.Identity, in.IdentityField)
	if errors.Is(err, ErrNotFound) {
		return AuthResult{}, s.failLogin(ctx, c, "", in, "unknown_identity", true)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if until, err := s.lockedUntil(ctx, s.store, u.ID, s.Now()); err != nil {
		return AuthResult{}, err
	} else if !until.IsZero() {
		if err := s.failLogin(ctx, c, u.ID, in, "locked", true); !isBadCredentials(err) {
			return AuthResult{}, err
		}
		s.metrics.Login("locked")
		if !s.profile.DiscloseLockout {
			// The same answer as a wrong password: telling of the lock
			// (or when it ends) would tell that the account exists.
			return AuthResult{}, errBadCredentials
		}
		return AuthResult{}, &Error{Kind: KindUnauthenticated, Code: CodeAccountLocked,
			RetryAfter: max(time.Second, until.Sub(s.Now()))}
	}

	ok, rehash, err := s.verifyPassword(ctx, u, in.Password)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			return AuthResult{}, ce // busy or cancelled: let the client retry
		}
		// A stored hash we cannot read is our fault, but the client only
		// learns that the login failed, after the usual hashing time.
		s.log.ErrorContext(ctx, "unreadable password hash", "user", u.ID, "err", err)
		return AuthResult{}, s.failLogin(ctx, c, u.ID, in, "unreadable_hash", true)
	}
	if !ok {
		if err := s.recordFailure(ctx, c, u.ID); err != nil {
			return AuthResult{}, err
		}
		return AuthResult{}, s.failLogin(ctx, c, u.ID, in, "bad_password", false)
	}
	if s.profile.RequireVerified && !u.Verified && !c.Superusers {
		// After the password, so only the account's owner learns of it.
		s.metrics.Login("failure")
		return AuthResult{}, NewError(KindForbidden, CodeEmailNotVerified)
	}
	if rehash && !u.Suspended() {
		s.upgradeHash(ctx, c, u, in.Password)
	}
	return s.finishAuth(ctx, c, u, MethodPassword, in.MFAID, s.sessionOptions(in.RefreshToken))
}

// failLogin records a failed login (audit event and metrics) and returns
// the generic bad-credentials error. dummy runs a dummy hash first, for
// failures decided before any password was checked.
func (s *Service) failLogin(ctx context.Context, c *Collection, userID string, in PasswordLogin, reason string, dummy bool) error {
	if dummy {
		if err := s.hasher.VerifyDummy(ctx, in.Password); err != nil {
			return err
		}
	}
	details := map[string]string{"reason": reason, "method": "password"}
	if userID == "" {
		details["identity"] = truncate(in.Identity, MaxIdentityLen)
	}
	e := AuditEvent{Type: AuditLoginFailure, TargetID: userID, TargetCollection: c.ID, Details: details}
	if err := s.audit(ctx, s.store, e); err != nil {
		return Internal(err)
	}
	if reason != "locked" {
		s.metrics.Login("failure")
	}
	return errBadCredentials
}

func isBadCredentials(err error) bool {
	var ce *Error
	return errors.As(err, &ce) && ce.Code == CodeInvalidCredentials
}

// findByIdentity looks the identity up in each allowed field in order,
// skipping email when the identity is not email-shaped.
func (s *Service) findByIdentity(ctx context.Context, c *Collection, identity, field string) (User, error) {
	fields := c.IdentityFields
	if field != "" {
		fields = []string{field}
	}
	for _, f := range fields {
		switch f {
		case "email":
			if field == "" && !ValidEmail(identity) {
				continue
			}
			u, err := s.userByEmail(ctx, c, identity)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return u, err
		}
	}
	return User{}, ErrNotFound
}

// upgradeHash replaces a hash in an old scheme (an imported bcrypt hash,
// weaker argon2 parameters) after a successful login. It is best effort:
// the login succeeds even if the upgrade fails.
func (s *Service) upgradeHash(ctx context.Context, c *Collection, u User, password string) {
	h, err := s.hasher.Hash(ctx, password)
	if err != nil {
		s.log.WarnContext(ctx, "password rehash skipped", "user", u.ID, "err", err)
		return
	}
	err = s.store.InTx(ctx, func(q Queries) error {
		cur, err := q.UserByID(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		if cur.PasswordHash != u.PasswordHash {
			return nil // changed meanwhile: keep the newer password
		}
		cur.PasswordHash = h
		return q.UpdateUser(ctx, cur)
	})
	if err != nil {
		s.log.WarnContext(ctx, "password rehash failed", "user", u.ID, "err", err)
	}
}
