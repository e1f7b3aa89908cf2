package core

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// Verification by emailed code (Conduit's `code` method): a 4-digit code
// instead of a link. Ten thousand codes are few, so what keeps them from
// being guessed is the tries: a handful per code, and a daily budget per
// address across all of its codes, whoever tries and from wherever. The
// budget is what an attacker can spend to lock the owner out of this
// method for the rest of the day; the link method stays open.
const (
	// VerificationCodeTTL is how long a mailed code works (Conduit keeps
	// its codes two minutes).
	VerificationCodeTTL = 2 * time.Minute
	// VerificationCodeLength is the number of digits of a code.
	VerificationCodeLength = 4
	codeTriesPerCode       = 5
	codeTriesPerUser       = 20 // per address and day, across codes and clients
	codeTriesWindow        = 24 * time.Hour
)

var errBadVerificationCode = NewError(KindInvalid, CodeVerificationCodeInvalid)

// RequestVerificationCode mails a 4-digit verification code to the
// account with this address. As RequestVerification does, it answers the
// same way (nil) for an unknown address, a verified account and a request
// within the resend throttle, padded to the profile's mail-request floor.
// A new code replaces the previous one: only the newest is accepted.
func (s *Service) RequestVerificationCode(ctx context.Context, c *Collection, in MailRequest) error {
	defer s.padMailRequest(ctx)()
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserVerified)
	}
	fe := fieldErrors{}
	fe.checkEmail("email", in.Email)
	if err := fe.err(); err != nil {
		return err
	}
	if err := s.limit(ctx, ActionVerification, c.ID+"\x00"+identityKey(in.Email)); err != nil {
		return err
	}
	u, err := s.userByEmail(ctx, c, in.Email)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return Internal(err)
	}
	if u.Verified {
		return nil
	}
	if sent, err := s.recentlySent(ctx, u, PurposeVerificationCode); err != nil || sent {
		return err
	}
	return s.mailVerificationCode(ctx, c, u)
}

// mailVerificationCode makes a new code for u, keeps only its hash and
// queues the mail that carries it: the part of the code flow that
// registration (CreateUserAndMailVerificationCode) shares.
func (s *Service) mailVerificationCode(ctx context.Context, c *Collection, u User) error {
	code := randomDigits(VerificationCodeLength)
	// The code is kept as a password hash: a copy of the database must
	// not hand out codes that still work.
	hash, err := s.hasher.Hash(ctx, code)
	if err != nil {
		return AsError(err)
	}
	now := s.Now()
	row := OneTimeToken{
		ID: NewID(), UserID: u.ID, CollectionID: c.ID, Purpose: PurposeVerificationCode,
		Hash: []byte(hash), Email: u.Email, Created: now, Expires: now.Add(VerificationCodeTTL),
	}
	err = s.store.InTx(ctx, func(q Queries) error {
		if err := q.InsertOneTimeToken(ctx, row); err != nil {
			return err
		}
		msg := c.Mail.VerificationCode.Render(MailVars{AppName: s.settings.AppName, AppURL: s.settings.AppURL, Email: u.Email, OTP: code}, u.Email)
		msg.ID, msg.Created, msg.NextAttempt = NewID(), now, now
		return q.EnqueueMail(ctx, msg)
	})
	if err != nil {
		return AsError(err)
	}
	s.mailQueued()
	return nil
}

// ConfirmVerificationCode marks the account with this address verified if
// code is its newest mailed code, unused and unexpired. A wrong code, a
// malformed one, an unknown address and an already verified account all
// get CodeVerificationCodeInvalid (after the same hashing work, padded to
// the profile's mail-request floor), so the answer tells nothing about
// who is registered. Past the tries (see the constants), it answers
// CodeVerificationCodeTooMany, even for the right code.
func (s *Service) ConfirmVerificationCode(ctx context.Context, c *Collection, email, code string) error {
	defer s.padMailRequest(ctx)()
	if c.Superusers {
		return NewError(KindInvalid, CodeSuperuserVerified)
	}
	fe := fieldErrors{}
	fe.checkEmail("email", email)
	if err := fe.err(); err != nil {
		return err
	}
	if !isDigits(code, VerificationCodeLength) {
		return errBadVerificationCode // no code was tried: no try is counted
	}
	if err := s.limit(ctx, ActionVerification, ""); err != nil {
		return err
	}
	// The address's daily budget is spent before it is looked up, so an
	// unknown address costs what a known one does.
	// Its counter is named by a hash: counters need no readable emails.
	day := s.Now().Truncate(codeTriesWindow)
	sum := sha256.Sum256([]byte(c.ID + "\x00" + identityKey(email)))
	if err := s.codeTry(ctx, "verify-code-id:"+hex.EncodeToString(sum[:16]), day, day.Add(codeTriesWindow), codeTriesPerUser); err != nil {
		return err
	}
	u, err := s.userByEmail(ctx, c, email)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Verified) {
		return s.failVerificationCode(ctx, code)
	} else if err != nil {
		return Internal(err)
	}
	row, err := s.store.LatestOneTimeToken(ctx, u.ID, PurposeVerificationCode)
	if errors.Is(err, ErrNotFound) {
		return s.failVerificationCode(ctx, code)
	} else if err != nil {
		return Internal(err)
	}
	if !row.UsedAt.IsZero() || !s.Now().Before(row.Expires) || row.Email != u.Email || row.CollectionID != c.ID {
		return s.failVerificationCode(ctx, code)
	}
	// A live code whose tries are spent is dead until it expires: a new
	// code is the way on.
	if err := s.codeTry(ctx, "verify-code:"+row.ID, row.Created, row.Expires, codeTriesPerCode); err != nil {
		return err
	}
	ok, _, err := s.hasher.Verify(ctx, string(row.Hash), code)
	if err != nil {
		return AsError(err)
	}
	if !ok {
		return errBadVerificationCode
	}
	return AsErrorOrNil(s.store.InTx(ctx, func(q Queries) error {
		if err := q.UseOneTimeToken(ctx, row.ID, s.Now()); errors.Is(err, ErrNotFound) {
			return errBadVerificationCode // used at the same moment by another request
		} else if err != nil {
			return err
		}
		cur, err := q.UserByID(ctx, c.ID, u.ID)
		if err != nil {
			return err
		}
		if cur.Email != row.Email {
			return errBadVerificationCode // the address changed since the code was sent
		}
		cur.Verified, cur.Updated = true, s.Now()
		if err := q.UpdateUser(ctx, cur); err != nil {
			return err
		}
		return s.audit(ctx, q, byUser(AuditEmailVerified, c, cur.ID, map[string]string{"method": "code"}))
	}))
}

// failVerificationCode does the hashing work a real check would, then
// returns the one answer for a code that cannot work.
func (s *Service) failVerificationCode(ctx context.Context, code string) error {
	if err := s.hasher.VerifyDummy(ctx, code); err != nil {
		return err
	}
	return errBadVerificationCode
}

// codeTry counts one try against the counter key, whose window runs
// from start to end, before the code is checked (so concurrent guesses
// count too), and refuses past tries tries until the window ends.
func (s *Service) codeTry(ctx context.Context, key string, start, end time.Time, tries int) error {
	n, err := s.store.HitRateLimit(ctx, key, start, end.Add(time.Minute))
	if err != nil {
		return Internal(err)
	}
	if n > tries {
		s.metrics.RateLimited(ActionVerification)
		return &Error{Kind: KindRateLimited, Code: CodeVerificationCodeTooMany, RetryAfter: max(time.Second, end.Sub(s.Now()))}
	}
	return nil
}

// isDigits reports whether s is exactly n ASCII digits.
func isDigits(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}
