package core

import (
	"context"
	"errors"
)

// Registration is a public sign-up whose answer does not reveal whether
// the address already has an account (Directus's POST /users/register).
type Registration struct {
	Email    string
	Password string
	// Name, when set, fills the profile's name.
	Name *string
	// Profile, when non-empty, is the new user's profile document, kept
	// as given (Directus's first_name and last_name).
	Profile map[string]any
	// ActionURL, when set, replaces the verification mail's link; see
	// MailRequest.
	ActionURL string
}

// Register creates an unverified user and mails it a verification link.
// When the address is already registered it does nothing and answers
// nil, exactly as for a new account, after the same hashing work and
// sign-up rate-limit count; so do the races that end in "email taken".
// (The new account's path also writes the link and its mail, which takes
// longer: every answer is padded to the profile's registration floor.) An
// address that differs from a registered one only in letter case is taken
// when the profile folds email case. Bad input
// (an invalid address, a password outside the policy) is still an error:
// it says nothing about who is registered.
func (s *Service) Register(ctx context.Context, c *Collection, in Registration) error {
	defer s.padRegister(ctx)()
	if err := RecordAccess(nil, c, true); err != nil {
		return err
	}
	fe := fieldErrors{}
	fe.checkEmail("email", in.Email)
	fe.checkPassword(c, "password", in.Password)
	if in.Name != nil || in.Profile != nil {
		s.applyProfile(fe, c, &User{}, UserInput{Name: in.Name, Profile: in.Profile})
	}
	if err := fe.err(); err != nil {
		return err
	}
	_, err := s.userByEmail(ctx, c, in.Email)
	switch {
	case err == nil:
		// Taken: spend what a creation spends, then say the same.
		if err := s.limit(ctx, ActionSignUp, ""); err != nil {
			return err
		}
		return AsErrorOrNil(s.hasher.VerifyDummy(ctx, in.Password))
	case !errors.Is(err, ErrNotFound):
		return Internal(err)
	}
	email, password := in.Email, in.Password
	u, err := s.CreateUser(ctx, nil, c, UserInput{Email: &email, Password: &password, Name: in.Name, Profile: in.Profile})
	if err != nil {
		if e := AsError(err); e.Kind == KindInvalid && e.Fields["email"].Code == FieldNotUnique {
			return nil // registered meanwhile by another request
		}
		return err
	}
	// The user was just created: no lookup, throttle or skip to apply.
	if err := s.store.InTx(ctx, func(q Queries) error {
		return s.issueOneTime(ctx, q, c, u, PurposeVerification, "", in.ActionURL)
	}); err != nil {
		return AsError(err)
	}
	s.mailQueued()
	return nil
}
