package gatehouse

import (
	"context"

	"github.com/gatehouse/gatehouse/internal/core"
)

// ForgotPasswordInput asks for a password reset token.
type ForgotPasswordInput struct {
	// Collection is the auth collection's name; empty means "users".
	Collection string
	Email      string
	// DisableEmail keeps the token from being mailed: the program
	// delivers it itself (Payload's disableEmail, for a custom "finish
	// your account" link).
	DisableEmail bool
}

// ForgotPassword makes a password reset token for the account with the
// given email, mails it unless DisableEmail is set, and returns it (as
// Payload's Local API forgotPassword does). Unlike the HTTP routes, which
// answer alike for every address, it reports an unknown address as a
// KindNotFound error: the program is trusted with who has an account.
func (g *Gatehouse) ForgotPassword(ctx context.Context, in ForgotPasswordInput) (string, error) {
	c, err := g.collection(in.Collection)
	if err != nil {
		return "", err
	}
	token, err := g.app.Service.Program().IssuePasswordReset(ctx, c, in.Email, !in.DisableEmail)
	return token, errOf(err)
}

// ResetPasswordInput sets a new password with a reset token.
type ResetPasswordInput struct {
	// Collection is the auth collection's name; empty means "users".
	Collection string
	Token      string
	Password   string
}

// ResetPassword sets a new password with a reset token (single use; the
// user's other sessions end) and logs the user in. A user whose logins
// need a second factor gets the new password but no session: the
// returned Auth then has no Token.
func (g *Gatehouse) ResetPassword(ctx context.Context, in ResetPasswordInput) (Auth, error) {
	c, err := g.collection(in.Collection)
	if err != nil {
		return Auth{}, err
	}
	res, err := g.app.Service.ConfirmPasswordResetLogin(ctx, c, core.PasswordResetInput{Token: in.Token, Password: in.Password})
	if err != nil {
		return Auth{}, errOf(err)
	}
	if res.Token == "" {
		return Auth{User: userOf(c, res.User)}, nil
	}
	return g.authOf(res), nil
}
