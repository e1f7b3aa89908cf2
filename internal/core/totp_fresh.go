package core

import (
	"context"
	"errors"
)

// The authenticator-app flows for a profile whose fresh tokens stand in
// for the password or a current code (SecondFactorProfile.FreshReplacesProof,
// Conduit's sudo mode): a token minted by a credential login moments ago
// is the proof those flows otherwise ask for, and one that is not fresh
// (a renewed one, or a stolen one used later) proves nothing.

// EnrollTOTPFresh is EnrollTOTP with the caller's fresh token as the
// proof instead of the password.
func (s *Service) EnrollTOTPFresh(ctx context.Context, p *Principal, c *Collection) (TOTPEnrollment, error) {
	return s.enrollTOTP(ctx, p, c, func() error { return s.freshProof(p) })
}

// DisableTOTPFresh turns the caller's authenticator app off, given a
// fresh token instead of a current code.
func (s *Service) DisableTOTPFresh(ctx context.Context, p *Principal, c *Collection) error {
	if err := RequireSameCollection(p, c); err != nil {
		return err
	}
	if err := s.freshProof(p); err != nil {
		return err
	}
	if _, err := s.enabledFactor(ctx, p.User); err != nil {
		return err
	}
	return s.deleteTOTP(ctx, p, c)
}

// RenewRecoveryCodesFresh replaces the caller's recovery codes (in the
// profile's format), given a fresh token instead of a current code. The
// authenticator app must be on: codes stand in for it.
func (s *Service) RenewRecoveryCodesFresh(ctx context.Context, p *Principal, c *Collection) ([]string, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return nil, err
	}
	if err := s.freshProof(p); err != nil {
		return nil, err
	}
	if _, err := s.enabledFactor(ctx, p.User); err != nil {
		return nil, err
	}
	return s.replaceRecoveryCodes(ctx, p, c)
}

// enabledFactor returns u's confirmed factor, without counting a try.
func (s *Service) enabledFactor(ctx context.Context, u User) (TOTPFactor, error) {
	f, err := s.store.TOTPFactor(ctx, u.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && !f.Confirmed) {
		return TOTPFactor{}, NewError(KindInvalid, CodeTOTPNotEnabled)
	} else if err != nil {
		return TOTPFactor{}, Internal(err)
	}
	return f, nil
}

// freshProof accepts a fresh token (Principal.Fresh) where the profile
// lets one replace the password or a code; without that profile flag,
// nothing replaces them.
func (s *Service) freshProof(p *Principal) error {
	if !s.profile.SecondFactor.FreshReplacesProof || p == nil || !p.Fresh {
		return NewError(KindForbidden, CodeReauthRequired)
	}
	return nil
}
