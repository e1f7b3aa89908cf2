package core

import "context"

// The step-up flows: a caller whose login is complete proves the
// authenticator app again and gets a new session whose first token is
// fresh (Conduit's twoFa/verify and recover with an `authorized` token,
// which answer a new sudo pair). The code is the fresh credential check,
// so the usual limits apply: tries count against the user's
// second-factor limit, a time step or a recovery code is spent.

// StepUpTOTP opens a new session for the caller given a current code of
// its authenticator app (a recovery code will not do, as for
// RegenerateRecoveryCodes), with a refresh token when asked.
func (s *Service) StepUpTOTP(ctx context.Context, p *Principal, c *Collection, code string, refreshToken bool) (AuthResult, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return AuthResult{}, err
	}
	if err := checkCodeLength(code); err != nil {
		return AuthResult{}, err
	}
	if err := s.checkAuthenticatorCode(ctx, p.User, code); err != nil {
		return AuthResult{}, err
	}
	return s.loginSession(ctx, c, p.User, []string{MethodTOTP}, s.sessionOptions(refreshToken))
}

// StepUpRecovery is StepUpTOTP with one of the caller's recovery codes,
// which is spent; it also returns how many are left.
func (s *Service) StepUpRecovery(ctx context.Context, p *Principal, c *Collection, code string, refreshToken bool) (AuthResult, int, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return AuthResult{}, 0, err
	}
	if err := checkCodeLength(code); err != nil {
		return AuthResult{}, 0, err
	}
	if err := s.checkRecoveryFormat(code); err != nil {
		return AuthResult{}, 0, err
	}
	if _, err := s.confirmedFactor(ctx, p.User, code); err != nil {
		return AuthResult{}, 0, err
	}
	if err := s.useRecoveryCode(ctx, c, p.User, code); err != nil {
		return AuthResult{}, 0, err
	}
	res, err := s.loginSession(ctx, c, p.User, []string{MethodRecoveryCode}, s.sessionOptions(refreshToken))
	if err != nil {
		return AuthResult{}, 0, err
	}
	left, err := s.store.UnusedRecoveryCodes(ctx, p.User.ID)
	if err != nil {
		return AuthResult{}, 0, Internal(err)
	}
	return res, left, nil
}
