package core

import "context"

// CompletePendingTOTP completes a pending login (AuthenticatePending)
// with a current code of the user's authenticator app: a full session,
// with a refresh token when the login asked for one. Tries count
// against the user's second-factor limit, and a code's time step is
// spent, so the same code cannot complete a second login. The challenge
// is deleted on success, so a pending token completes one login.
func (s *Service) CompletePendingTOTP(ctx context.Context, pl *PendingLogin, code string) (AuthResult, error) {
	if err := checkCodeLength(code); err != nil {
		return AuthResult{}, err
	}
	c, u := pl.Collection, pl.User
	// The challenge first: a code is never spent, nor a try counted, on
	// a login that cannot complete.
	if _, err := s.mfaChallenge(ctx, c, u, MethodTOTP, pl.MFAID); err != nil {
		return AuthResult{}, err
	}
	if err := s.checkAuthenticatorCode(ctx, u, code); err != nil {
		return AuthResult{}, err
	}
	return s.finishAuth(ctx, c, u, MethodTOTP, pl.MFAID, s.sessionOptions(pl.RefreshToken))
}

// CompletePendingRecovery completes a pending login with one of the
// user's recovery codes (in the profile's format; spaces and dashes are
// ignored), which is spent, and returns how many are left.
func (s *Service) CompletePendingRecovery(ctx context.Context, pl *PendingLogin, code string) (AuthResult, int, error) {
	if err := checkCodeLength(code); err != nil {
		return AuthResult{}, 0, err
	}
	if err := s.checkRecoveryFormat(code); err != nil {
		return AuthResult{}, 0, err
	}
	c, u := pl.Collection, pl.User
	if _, err := s.mfaChallenge(ctx, c, u, MethodRecoveryCode, pl.MFAID); err != nil {
		return AuthResult{}, 0, err
	}
	if _, err := s.confirmedFactor(ctx, u, code); err != nil {
		return AuthResult{}, 0, err
	}
	if err := s.useRecoveryCode(ctx, c, u, code); err != nil {
		return AuthResult{}, 0, err
	}
	res, err := s.finishAuth(ctx, c, u, MethodRecoveryCode, pl.MFAID, s.sessionOptions(pl.RefreshToken))
	if err != nil {
		return AuthResult{}, 0, err
	}
	left, err := s.store.UnusedRecoveryCodes(ctx, u.ID)
	if err != nil {
		return AuthResult{}, 0, Internal(err)
	}
	return res, left, nil
}

// checkCodeLength refuses a missing or overlong second-factor code
// before anything is read or counted.
func checkCodeLength(code string) error {
	fe := fieldErrors{}
	fe.checkLength("code", code, 1, 64)
	return fe.err()
}
