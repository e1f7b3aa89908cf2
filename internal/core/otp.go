package core

import (
	"context"
	"crypto/rand"
	"errors"
	"math/big"
	"time"
)

// OTP limits.
const (
	maxActiveOTPs      = 9
	otpAttemptsPerCode = 5
	otpAttemptsPerUser = 10 // across codes, per client, per code lifetime
)

var errBadOTP = NewError(KindInvalid, CodeOTPInvalid)

// RequestOTP mails a one-time code to the account with this email and
// returns the code's id. It answers the same way for an unknown address
// (a random id that matches no code, after the same hashing work), so it
// reveals nothing about who is registered.
func (s *Service) RequestOTP(ctx context.Context, c *Collection, email string) (string, error) {
	defer s.padMailRequest(ctx)()
	if !c.OTP.Enabled {
		return "", NewError(KindForbidden, CodeOTPDisabled)
	}
	fe := fieldErrors{}
	fe.checkEmail("email", email)
	if err := fe.err(); err != nil {
		return "", err
	}
	if err := s.limit(ctx, ActionOTP, c.ID+"\x00"+identityKey(email)); err != nil {
		return "", err
	}
	code := randomDigits(c.OTP.Length)
	u, err := s.userByEmail(ctx, c, email)
	if err == nil && u.Suspended() {
		err = ErrNotFound // no code for a suspended account, answered like no account
	}
	if errors.Is(err, ErrNotFound) {
		if err := s.hasher.VerifyDummy(ctx, code); err != nil {
			return "", err
		}
		return NewID(), nil
	} else if err != nil {
		return "", Internal(err)
	}
	now := s.Now()
	active, err := s.store.ActiveOTPs(ctx, u.ID, now)
	if err != nil {
		return "", Internal(err)
	}
	if len(active) > maxActiveOTPs {
		// Enough codes are out there: hand back the newest instead of
		// mailing yet another (PocketBase's cap).
		return active[0].ID, nil
	}
	hash, err := s.hasher.Hash(ctx, code)
	if err != nil {
		return "", AsError(err)
	}
	o := OTP{ID: NewID(), UserID: u.ID, CollectionID: c.ID, CodeHash: hash, SentTo: u.Email, Created: now, Expires: now.Add(c.OTP.Duration)}
	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.InsertOTP(ctx, o); err != nil {
			return err
		}
		msg := c.Mail.OTP.Render(MailVars{AppName: s.settings.AppName, AppURL: s.settings.AppURL, Email: u.Email, OTP: code, OTPID: o.ID}, u.Email)
		msg.ID, msg.Created, msg.NextAttempt = NewID(), now, now
		return q.EnqueueMail(ctx, msg)
	})
	if err != nil {
		return "", AsError(err)
	}
	s.mailQueued()
	return o.ID, nil
}

// OTPLogin is an auth-with-otp attempt.
type OTPLogin struct {
	OTPID string
	Code  string
	MFAID string
	// RefreshToken asks for an opaque refresh token too.
	RefreshToken bool
}

// LoginWithOTP logs in with an emailed code. A code works once, for its
// lifetime, and each client gets a handful of tries at it. Using a code
// proves the address it was sent to: an unverified account whose email it
// is becomes verified, and (unless a second factor follows) any password
// set before the owner proved the address is replaced, so whoever
// pre-registered the address cannot log in with it.
func (s *Service) LoginWithOTP(ctx context.Context, c *Collection, in OTPLogin) (AuthResult, error) {
	if !c.OTP.Enabled {
		return AuthResult{}, NewError(KindForbidden, CodeOTPDisabled)
	}
	fe := fieldErrors{}
	fe.checkLength("otpId", in.OTPID, 1, 255)
	fe.checkLength("password", in.Code, 1, DefaultPwMax)
	if err := fe.err(); err != nil {
		return AuthResult{}, err
	}
	// The configurable per-IP OTP limit counts logins as well as
	// requests; the per-code and per-user tries below are always on.
	if err := s.limit(ctx, ActionOTP, ""); err != nil {
		return AuthResult{}, err
	}
	o, err := s.store.OTPByID(ctx, in.OTPID)
	if errors.Is(err, ErrNotFound) || (err == nil && (o.CollectionID != c.ID || !s.Now().Before(o.Expires))) {
		return AuthResult{}, s.failOTP(ctx, c, in)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	u, err := s.store.UserByID(ctx, c.ID, o.UserID)
	if errors.Is(err, ErrNotFound) {
		return AuthResult{}, errBadOTP
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	// A request whose mfaId would be refused is refused now, before it
	// counts a try or spends the code, so the user's correct retry works.
	if err := s.checkMFAFirst(ctx, c, u, MethodOTP, in.MFAID); err != nil {
		return AuthResult{}, err
	}
	if err := s.otpAttempt(ctx, c, o); err != nil {
		return AuthResult{}, err
	}
	ok, _, err := s.hasher.Verify(ctx, o.CodeHash, in.Code)
	if err != nil {
		return AuthResult{}, AsError(err)
	}
	if !ok {
		return AuthResult{}, s.failOTP(ctx, c, in)
	}
	if err := s.store.DeleteOTP(ctx, o.ID); errors.Is(err, ErrNotFound) {
		return AuthResult{}, errBadOTP // used at the same moment by another request
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if err := s.refuseSuspended(ctx, c, u, MethodOTP); err != nil {
		return AuthResult{}, err // before a claim changes the account
	}
	if !u.Verified && o.SentTo == u.Email {
		if u, err = s.claimAddress(ctx, c, u, MethodOTP); err != nil {
			return AuthResult{}, err
		}
	}
	return s.finishAuth(ctx, c, u, MethodOTP, in.MFAID, s.sessionOptions(in.RefreshToken))
}

// otpAttempt counts one try at a code from this client: at most
// otpAttemptsPerCode per code and client, whatever the rate-limit
// settings, so an 8-digit code cannot be brute-forced.
//
// Tries are also counted per user and client over the code lifetime
// (PocketBase's own limiter), so the ten codes a user may have out at
// once cannot multiply a client's guesses.
func (s *Service) otpAttempt(ctx context.Context, c *Collection, o OTP) error {
	ip := ClientFrom(ctx).IP
	now := s.Now()
	userWindow := now.Truncate(c.OTP.Duration)
	for _, k := range []struct {
		key                string
		start, keep, retry time.Time // window start, counter kept until, usable again
		max                int
	}{
		// A code whose tries are spent is dead: a new code is the way
		// on, and this one expires anyway.
		{"otp-attempt:" + o.ID + ":" + ip, o.Created, o.Expires.Add(time.Minute), o.Expires, otpAttemptsPerCode},
		{"otp-attempt-user:" + o.UserID + ":" + ip, userWindow, userWindow.Add(c.OTP.Duration), userWindow.Add(c.OTP.Duration), otpAttemptsPerUser},
	} {
		n, err := s.store.HitRateLimit(ctx, k.key, k.start, k.keep)
		if err != nil {
			return Internal(err)
		}
		if n > k.max {
			s.metrics.RateLimited(ActionOTP)
			return &Error{Kind: KindRateLimited, Code: CodeOTPTooMany, RetryAfter: max(time.Second, k.retry.Sub(now))}
		}
	}
	return nil
}

// failOTP audits a failed OTP login and returns the one answer for every
// kind of failure.
func (s *Service) failOTP(ctx context.Context, c *Collection, in OTPLogin) error {
	e := AuditEvent{Type: AuditLoginFailure, TargetCollection: c.ID, Details: map[string]string{"method": MethodOTP, "reason": "bad_otp"}}
	if err := s.audit(ctx, s.store, e); err != nil {
		return Internal(err)
	}
	s.metrics.Login("failure")
	return errBadOTP
}

// randomDigits returns n uniformly random decimal digits.
func randomDigits(n int) string {
	b := make([]byte, n)
	ten := big.NewInt(10)
	for i := range b {
		d, _ := rand.Int(rand.Reader, ten) // crypto/rand does not fail
		b[i] = byte('0' + d.Int64())
	}
	return string(b)
}
