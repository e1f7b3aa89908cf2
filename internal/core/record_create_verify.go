package core

import "context"

// CreateUserAndMailVerification creates a user as CreateUser does and,
// when the new user is not verified, mails it a verification link
// (actionURL, when set, is the surface's link format; see MailRequest):
// a registration that answers with the new record (Payload's create
// with `verify` on), where Register answers nothing.
func (s *Service) CreateUserAndMailVerification(ctx context.Context, p *Principal, c *Collection, in UserInput, actionURL string) (User, error) {
	u, err := s.CreateUser(ctx, p, c, in)
	if err != nil || u.Verified {
		return u, err
	}
	if err := s.store.InTx(ctx, func(q Queries) error {
		return s.issueOneTime(ctx, q, c, u, PurposeVerification, "", actionURL)
	}); err != nil {
		return User{}, AsError(err)
	}
	s.mailQueued()
	return u, nil
}

// CreateUserAndMailVerificationCode creates a user as CreateUser does and,
// when the new user is not verified, mails it a 4-digit verification code
// (the code flow's, see RequestVerificationCode) instead of a link: a
// registration for a surface whose users verify by code (Conduit's
// `code` method). ConfirmVerificationCode takes the code.
func (s *Service) CreateUserAndMailVerificationCode(ctx context.Context, p *Principal, c *Collection, in UserInput) (User, error) {
	u, err := s.CreateUser(ctx, p, c, in)
	if err != nil || u.Verified {
		return u, err
	}
	if err := s.mailVerificationCode(ctx, c, u); err != nil {
		return User{}, err
	}
	return u, nil
}
