package core

import (
	"context"
	"crypto/subtle"
	"errors"
	"strings"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"
)

// TOTP audit events and parameters.
const (
	AuditTOTPEnabled     = "totp.enabled"
	AuditTOTPDisabled    = "totp.disabled"
	AuditRecoveryUsed    = "recovery_code.used"
	AuditRecoveryRenewed = "recovery_codes.regenerated"

	totpPeriod           = 30 // seconds, the authenticator apps' default
	totpDigits           = otp.DigitsSix
	totpAttempts         = 10 // second-factor tries per user per window
	totpAttemptWindow    = 5 * time.Minute
	recoveryCodeCount    = 10
	recoveryCodeAlphabet = "abcdefghjkmnpqrstuvwxyz23456789" // no 0/o, 1/l/i
)

var errBadTOTP = NewError(KindInvalid, CodeTOTPInvalid)

// TOTPEnrollment is what an authenticator app needs: the secret, and the
// otpauth:// URL a QR code encodes.
type TOTPEnrollment struct {
	Secret string
	URL    string
}

// TOTPStatus describes a user's authenticator-app factor.
type TOTPStatus struct {
	Enabled           bool
	Pending           bool
	RecoveryCodesLeft int
}

// TOTPStatusOf reports the caller's factor.
func (s *Service) TOTPStatusOf(ctx context.Context, p *Principal, c *Collection) (TOTPStatus, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return TOTPStatus{}, err
	}
	f, err := s.store.TOTPFactor(ctx, p.User.ID)
	if errors.Is(err, ErrNotFound) {
		return TOTPStatus{}, nil
	} else if err != nil {
		return TOTPStatus{}, Internal(err)
	}
	st := TOTPStatus{Enabled: f.Confirmed, Pending: !f.Confirmed}
	if f.Confirmed {
		if st.RecoveryCodesLeft, err = s.store.UnusedRecoveryCodes(ctx, p.User.ID); err != nil {
			return TOTPStatus{}, Internal(err)
		}
	}
	return st, nil
}

// EnrollTOTP starts enrolling an authenticator app: after checking the
// caller's current password (someone holding only a stolen token cannot
// enrol) and that the email is verified, it creates a new pending secret, replacing any earlier pending
// one. The factor protects nothing until ConfirmTOTP.
func (s *Service) EnrollTOTP(ctx context.Context, p *Principal, c *Collection, password string) (TOTPEnrollment, error) {
	return s.enrollTOTP(ctx, p, c, func() error { return s.checkPassword(ctx, c, p.User, password) })
}

// enrollTOTP is EnrollTOTP with the proof of the caller's identity
// (password, or a fresh token) as a function.
func (s *Service) enrollTOTP(ctx context.Context, p *Principal, c *Collection, proof func() error) (TOTPEnrollment, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return TOTPEnrollment{}, err
	}
	if err := s.requireFresh(p); err != nil {
		return TOTPEnrollment{}, err
	}
	if f, err := s.store.TOTPFactor(ctx, p.User.ID); err == nil && f.Confirmed {
		return TOTPEnrollment{}, NewError(KindInvalid, CodeTOTPEnabled)
	} else if err != nil && !errors.Is(err, ErrNotFound) {
		return TOTPEnrollment{}, Internal(err)
	}
	if err := proof(); err != nil {
		return TOTPEnrollment{}, err
	}
	// Only the address's proven owner may arm an account with an app: on
	// a never-verified account it could be a squatter's, and claiming
	// the account would have to remove it again.
	if !p.User.Verified {
		return TOTPEnrollment{}, NewError(KindInvalid, CodeTOTPNeedsVerified)
	}
	key, err := totp.Generate(totp.GenerateOpts{
		Issuer: s.settings.AppName, AccountName: p.User.Email, Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
	})
	if err != nil {
		return TOTPEnrollment{}, Internal(err)
	}
	now := s.Now()
	f := TOTPFactor{UserID: p.User.ID, Secret: key.Secret(), Created: now, Updated: now}
	if err := s.store.PutTOTPFactor(ctx, f); err != nil {
		return TOTPEnrollment{}, Internal(err)
	}
	return TOTPEnrollment{Secret: key.Secret(), URL: key.URL()}, nil
}

// ConfirmTOTP enables the pending factor with a first code from the app
// and returns fresh recovery codes (shown once: only hashes are kept).
// secret, when the client sends it back (Directus does), must be the
// pending one.
func (s *Service) ConfirmTOTP(ctx context.Context, p *Principal, c *Collection, secret, code string) ([]string, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return nil, err
	}
	f, err := s.store.TOTPFactor(ctx, p.User.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && f.Confirmed) {
		return nil, NewError(KindInvalid, CodeTOTPNoEnrollment)
	} else if err != nil {
		return nil, Internal(err)
	}
	if secret != "" && subtle.ConstantTimeCompare([]byte(secret), []byte(f.Secret)) != 1 {
		return nil, errBadTOTP
	}
	if err := s.totpAttempt(ctx, p.User.ID); err != nil {
		return nil, err
	}
	step, ok := matchTOTP(f.Secret, code, s.Now())
	if !ok {
		return nil, errBadTOTP
	}
	codes, rows := s.newRecoveryCodes(p.User.ID, s.Now())
	err = s.store.InTx(ctx, func(q Queries) error {
		f.Confirmed, f.LastStep, f.Updated = true, step, s.Now()
		if err := q.PutTOTPFactor(ctx, f); err != nil {
			return err
		}
		if err := q.ReplaceRecoveryCodes(ctx, p.User.ID, rows); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditTOTPEnabled, c, p.User.ID, nil))
	})
	if err != nil {
		return nil, AsError(err)
	}
	return codes, nil
}

// DisableTOTP turns the factor off; it takes a current code (or a
// recovery code), so a stolen session alone cannot remove it.
func (s *Service) DisableTOTP(ctx context.Context, p *Principal, c *Collection, code string) error {
	if err := RequireSameCollection(p, c); err != nil {
		return err
	}
	if err := s.requireFresh(p); err != nil {
		return err
	}
	if _, err := s.checkSecondFactor(ctx, c, p.User, code); err != nil {
		return err
	}
	return s.deleteTOTP(ctx, p, c)
}

// deleteTOTP removes the caller's factor and recovery codes, audited.
func (s *Service) deleteTOTP(ctx context.Context, p *Principal, c *Collection) error {
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		if err := q.DeleteTOTPFactor(ctx, p.User.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditTOTPDisabled, c, p.User.ID, nil))
	}))
}

// RegenerateRecoveryCodes replaces the caller's recovery codes, given a
// current authenticator code.
func (s *Service) RegenerateRecoveryCodes(ctx context.Context, p *Principal, c *Collection, code string) ([]string, error) {
	if err := RequireSameCollection(p, c); err != nil {
		return nil, err
	}
	if err := s.requireFresh(p); err != nil {
		return nil, err
	}
	// Only an authenticator code will do: a recovery code cannot mint
	// new ones (and is not spent trying).
	if err := s.checkAuthenticatorCode(ctx, p.User, code); err != nil {
		return nil, err
	}
	return s.replaceRecoveryCodes(ctx, p, c)
}

// replaceRecoveryCodes stores a new set of the caller's recovery codes,
// audited, and returns them (shown once).
func (s *Service) replaceRecoveryCodes(ctx context.Context, p *Principal, c *Collection) ([]string, error) {
	codes, rows := s.newRecoveryCodes(p.User.ID, s.Now())
	err := s.store.InTx(ctx, func(q Queries) error {
		if err := q.ReplaceRecoveryCodes(ctx, p.User.ID, rows); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditRecoveryRenewed, c, p.User.ID, nil))
	})
	if err != nil {
		return nil, AsError(err)
	}
	return codes, nil
}

// TOTPLogin is the second step of an MFA login with an authenticator
// app.
type TOTPLogin struct {
	MFAID string
	// Code is an authenticator code or a recovery code.
	Code string
	// RefreshToken asks for an opaque refresh token too.
	RefreshToken bool
}

// LoginWithTOTP completes an MFA login with an authenticator code or a
// recovery code as the second factor.
func (s *Service) LoginWithTOTP(ctx context.Context, c *Collection, in TOTPLogin) (AuthResult, error) {
	mfaID, code := in.MFAID, in.Code
	fe := fieldErrors{}
	fe.checkLength("mfaId", mfaID, 1, 255)
	fe.checkLength("code", code, 1, 64)
	if err := fe.err(); err != nil {
		return AuthResult{}, err
	}
	// The challenge is checked before the code, so a code (or a
	// recovery code) is never spent, nor a try counted, on a login that
	// cannot complete.
	ch, err := s.liveChallenge(ctx, c, mfaID)
	if err != nil {
		return AuthResult{}, err
	}
	u, err := s.store.UserByID(ctx, c.ID, ch.UserID)
	if errors.Is(err, ErrNotFound) {
		return AuthResult{}, NewError(KindInvalid, CodeMFAInvalid)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if _, err := s.mfaChallenge(ctx, c, u, MethodTOTP, mfaID); err != nil {
		return AuthResult{}, err
	}
	method, err := s.checkSecondFactor(ctx, c, u, code)
	if err != nil {
		return AuthResult{}, err
	}
	return s.finishAuth(ctx, c, u, method, mfaID, s.sessionOptions(in.RefreshToken))
}

// checkSecondFactor accepts a current, unused authenticator code or an
// unused recovery code of u, and returns which it was. Tries are limited
// per user whatever the rate-limit settings: a 6-digit code must not be
// guessable.
func (s *Service) checkSecondFactor(ctx context.Context, c *Collection, u User, code string) (string, error) {
	f, err := s.confirmedFactor(ctx, u, code)
	if err != nil {
		return "", err
	}
	if step, ok := matchTOTP(f.Secret, code, s.Now()); ok {
		return MethodTOTP, s.spendStep(ctx, u, step)
	}
	if err := s.useRecoveryCode(ctx, c, u, code); err != nil {
		return "", err
	}
	return MethodRecoveryCode, nil
}

// useRecoveryCode spends one of u's unused recovery codes; the try must
// have been counted already (confirmedFactor).
func (s *Service) useRecoveryCode(ctx context.Context, c *Collection, u User, code string) error {
	hash := hashRecoveryCode(code)
	err := s.store.InTx(ctx, func(q Queries) error {
		if err := q.UseRecoveryCode(ctx, u.ID, hash, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditRecoveryUsed, c, u.ID, nil))
	})
	if errors.Is(err, ErrNotFound) {
		return errBadTOTP
	} else if err != nil {
		return AsError(err)
	}
	return nil
}

// checkAuthenticatorCode accepts only a current, unused authenticator
// code (no recovery code).
func (s *Service) checkAuthenticatorCode(ctx context.Context, u User, code string) error {
	f, err := s.confirmedFactor(ctx, u, code)
	if err != nil {
		return err
	}
	step, ok := matchTOTP(f.Secret, code, s.Now())
	if !ok {
		return errBadTOTP
	}
	return s.spendStep(ctx, u, step)
}

// confirmedFactor returns u's enabled factor and counts the try. A blank
// code is a validation error and is not counted.
func (s *Service) confirmedFactor(ctx context.Context, u User, code string) (TOTPFactor, error) {
	if strings.TrimSpace(code) == "" {
		return TOTPFactor{}, Invalid(map[string]FieldError{"code": {Code: FieldRequired}})
	}
	f, err := s.store.TOTPFactor(ctx, u.ID)
	if errors.Is(err, ErrNotFound) || (err == nil && !f.Confirmed) {
		return TOTPFactor{}, NewError(KindInvalid, CodeTOTPNotEnabled)
	} else if err != nil {
		return TOTPFactor{}, Internal(err)
	}
	return f, s.totpAttempt(ctx, u.ID)
}

// spendStep marks a matched time step used. Advancing it is conditional,
// so a code (or an older one) cannot be used twice, even by two requests
// at once.
func (s *Service) spendStep(ctx context.Context, u User, step int64) error {
	if err := s.store.AdvanceTOTPStep(ctx, u.ID, step, s.Now()); errors.Is(err, ErrConflict) {
		return errBadTOTP
	} else if err != nil {
		return Internal(err)
	}
	return nil
}

// totpAttempt counts one second-factor try for the user.
func (s *Service) totpAttempt(ctx context.Context, userID string) error {
	now := s.Now()
	start := now.Truncate(totpAttemptWindow)
	n, err := s.store.HitRateLimit(ctx, "totp-attempt:"+userID, start, start.Add(totpAttemptWindow))
	if err != nil {
		return Internal(err)
	}
	if n > totpAttempts {
		return &Error{Kind: KindRateLimited, Code: CodeTOTPTooManyAttempt,
			RetryAfter: max(time.Second, start.Add(totpAttemptWindow).Sub(now))}
	}
	return nil
}

// matchTOTP checks code against the secret for the current time step and
// one step either side (clock drift), returning the step it matched.
func matchTOTP(secret, code string, now time.Time) (int64, bool) {
	code = strings.TrimSpace(code)
	if len(code) != 6 {
		return 0, false
	}
	cur := now.Unix() / totpPeriod
	for _, step := range []int64{cur - 1, cur, cur + 1} {
		want, err := totp.GenerateCodeCustom(secret, time.Unix(step*totpPeriod, 0), totp.ValidateOpts{
			Period: totpPeriod, Digits: totpDigits, Algorithm: otp.AlgorithmSHA1,
		})
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			return step, true
		}
	}
	return 0, false
}

// checkPassword verifies u's current password, as a field error.
func (s *Service) checkPassword(ctx context.Context, c *Collection, u User, password string) error {
	if password == "" {
		return Invalid(map[string]FieldError{"password": {Code: FieldRequired}})
	}
	ok, _, err := s.verifyPassword(ctx, u, password)
	var ce *Error
	if errors.As(err, &ce) {
		return ce
	}
	if err != nil || !ok {
		if err := s.recordFailure(ctx, c, u.ID); err != nil {
			return err
		}
		return Invalid(map[string]FieldError{"password": {Code: FieldInvalidPassword}})
	}
	return nil
}
