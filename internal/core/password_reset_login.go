package core

import "context"

// ConfirmPasswordResetLogin sets a new password with a reset token, as
// ConfirmPasswordReset does (every other session ends, the token burns),
// then logs the user in with a new session: Payload's reset-password
// answers with a token. A user whose logins need a second factor, or who
// is suspended, gets the new password but no session (the result's Token
// is empty): a mailed link alone must not skip an authenticator app.
func (s *Service) ConfirmPasswordResetLogin(ctx context.Context, c *Collection, in PasswordResetInput) (AuthResult, error) {
	u, err := s.confirmPasswordReset(ctx, c, in)
	if err != nil {
		return AuthResult{}, err
	}
	need, err := s.needsMFA(ctx, c, u)
	if err != nil {
		return AuthResult{}, err
	}
	if need || u.Suspended() {
		return AuthResult{User: u, Collection: c}, nil
	}
	return s.loginSession(ctx, c, u, []string{MethodPassword}, s.sessionOptions(false))
}
