package core

import (
	"context"
	"errors"
	"slices"
)

// PasswordLogin is an auth-with-password attempt.
type PasswordLogin struct {
	Identity string
	// IdentityField, when set, names the one identity field to look up;
	// otherwise each of the collection's identity fields is tried.
	IdentityField string
	Password      string
	Client        Client
}

// errBadCredentials is the one answer for an unknown identity and a wrong
// password alike.
var errBadCredentials = &Error{Kind: KindUnauthenticated, Code: CodeInvalidCredentials, Message: "Failed to authenticate."}

// LoginWithPassword authenticates by identity and password and opens a
// session. Unknown identities cost one dummy hash so they take as long as
// wrong passwords.
func (s *Service) LoginWithPassword(ctx context.Context, c *Collection, in PasswordLogin) (AuthResult, error) {
	if !c.PasswordAuth {
		return AuthResult{}, Errorf(KindForbidden, CodePasswordAuthOff, "The collection is not configured to allow password authentication.")
	}
	fe := fieldErrors{}
	fe.checkLength("identity", in.Identity, 1, MaxIdentityLen)
	fe.checkLength("password", in.Password, 1, MaxPasswordLen)
	if in.IdentityField != "" && !slices.Contains(c.IdentityFields, in.IdentityField) {
		fe.add("identityField", FieldInInvalid, "Must be a valid value.", nil)
	}
	if err := fe.err(); err != nil {
		return AuthResult{}, err
	}

	u, err := s.findByIdentity(ctx, c, in.Identity, in.IdentityField)
	if errors.Is(err, ErrNotFound) {
		if err := s.hasher.VerifyDummy(ctx, in.Password); err != nil {
			return AuthResult{}, err
		}
		return AuthResult{}, errBadCredentials
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}

	ok, rehash, err := s.hasher.Verify(ctx, u.PasswordHash, in.Password)
	if err != nil {
		var ce *Error
		if errors.As(err, &ce) {
			return AuthResult{}, ce // busy or cancelled: let the client retry
		}
		// A stored hash we cannot read is our fault, but the client only
		// learns that the login failed, after the usual hashing time.
		s.log.ErrorContext(ctx, "unreadable password hash", "user", u.ID, "err", err)
		if err := s.hasher.VerifyDummy(ctx, in.Password); err != nil {
			return AuthResult{}, err
		}
		return AuthResult{}, errBadCredentials
	}
	if !ok {
		return AuthResult{}, errBadCredentials
	}
	if rehash {
		s.upgradeHash(ctx, c, u, in.Password)
	}
	return s.openSession(ctx, s.store, c, u, []string{"pwd"}, in.Client, c.AuthTokenTTL, true, "")
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
			u, err := s.store.UserByEmail(ctx, c.ID, identity)
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
