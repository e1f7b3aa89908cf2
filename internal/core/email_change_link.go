package core

import (
	"context"
)

// EmailChangeRequest asks to move the caller's account to NewEmail.
// ActionURL, when set, is the surface's own confirmation link (with
// {TOKEN}), as in MailRequest.
type EmailChangeRequest struct {
	NewEmail  string
	ActionURL string
}

// RequestEmailChangeByLink mails to the new address a link that alone
// confirms the change (Conduit's verify-change-email hook), with no
// password asked at confirmation. The token has a purpose of its own, so
// a link from RequestEmailChange, whose confirmation needs the password,
// can never be confirmed this way.
func (s *Service) RequestEmailChangeByLink(ctx context.Context, p *Principal, c *Collection, in EmailChangeRequest) error {
	return s.requestEmailChange(ctx, p, c, in.NewEmail, PurposeEmailChangeLink, in.ActionURL)
}

// ConfirmEmailChangeByLink moves the account to the address a link from
// RequestEmailChangeByLink was mailed to. As ConfirmEmailChange does, it
// marks the new address verified and ends every session and outstanding
// token of the user. A token that cannot work (malformed, forged,
// expired, used, of another purpose or collection, for an account whose
// address changed since) is an invalid-token field error; a new address
// taken meanwhile is FieldTokenEmail.
func (s *Service) ConfirmEmailChangeByLink(ctx context.Context, c *Collection, token string) error {
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserEmail)
	}
	if token == "" {
		return Invalid(map[string]FieldError{"token": {Code: FieldRequired}})
	}
	tc, u, err := s.emailChangeTarget(ctx, c, token, PurposeEmailChangeLink)
	if err != nil {
		return err
	}
	return s.applyEmailChange(ctx, c, tc, u, false)
}
