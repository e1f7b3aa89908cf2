package core

import (
	"context"
	"errors"
	"strings"
	"time"
)

// DefaultMagicLinkTTL is how long a mailed login link works unless the
// surface's profile says otherwise (Conduit's links never expire; ours
// do).
const DefaultMagicLinkTTL = 15 * time.Minute

// RequestMagicLink mails a single-use login link to the account with
// this address. in.ActionURL is the link, with {TOKEN}: the surface's
// own, since only it knows where its links are served.
// The link works once, until the profile's MagicLinkTTL runs out.
//
// It answers the same way (nil) whether the address has an account, is
// suspended, or was mailed a link moments ago, padded to the profile's
// mail-request floor: who is registered is not the requester's to learn.
// Conduit itself answers 404 "User not found" here; see docs/decisions.md.
func (s *Service) RequestMagicLink(ctx context.Context, c *Collection, in MailRequest) error {
	defer s.padMailRequest(ctx)()
	if !strings.Contains(in.ActionURL, "{TOKEN}") {
		// A surface's mistake, not the client's: the mail would carry no
		// working link.
		return Internal(errors.New("core: a magic link needs an action URL with {TOKEN}"))
	}
	return s.mailOneTime(ctx, c, in, PurposeMagicLink, func(u User) bool { return u.Suspended() })
}

// LoginWithMagicLink spends a magic-link token and opens a session as a
// password login does (refreshToken asks for an opaque refresh token too):
// the session's single factor is MethodMagicLink, and a user whose logins
// need a second factor gets the MFA challenge instead: under the
// profile's SecondFactor.PendingToken, for a user with an authenticator
// app, a pending token (AuthResult.Pending) that the app's code completes,
// else CodeMFARequired. Either way the link is spent.
//
// The token is marked used before the session opens, in one conditional
// write, so of two requests racing with the same link exactly one logs
// in. Like an emailed code, the link proves the address it was sent to:
// an unverified account becomes verified and, when no second factor
// follows, a password set before its owner proved the address is
// replaced (see claimAddress).
//
// Every refusal (malformed, forged, expired, used, another collection's,
// a suspended or vanished user) is the same invalid-token field error.
func (s *Service) LoginWithMagicLink(ctx context.Context, c *Collection, token string, refreshToken bool) (AuthResult, error) {
	if token == "" {
		return AuthResult{}, Invalid(map[string]FieldError{"token": {Code: FieldRequired}})
	}
	if err := s.limit(ctx, ActionOTP, ""); err != nil {
		return AuthResult{}, err
	}
	tc, err := s.checkOneTime(ctx, c, token, PurposeMagicLink)
	if err != nil {
		return AuthResult{}, magicLinkRefusal(err)
	}
	u, err := s.store.UserByID(ctx, c.ID, tc.row.UserID)
	if errors.Is(err, ErrNotFound) || (err == nil && u.Email != tc.email) {
		return AuthResult{}, magicLinkRefusal(errTokenInvalid)
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if err := s.refuseSuspended(ctx, c, u, MethodMagicLink); err != nil {
		if isBadCredentials(err) {
			return AuthResult{}, magicLinkRefusal(errTokenInvalid)
		}
		return AuthResult{}, err
	}
	if err := s.store.UseOneTimeToken(ctx, tc.row.ID, s.Now()); errors.Is(err, ErrNotFound) {
		return AuthResult{}, magicLinkRefusal(errTokenUsed) // spent at the same moment by another request
	} else if err != nil {
		return AuthResult{}, Internal(err)
	}
	if !u.Verified {
		if u, err = s.claimAddress(ctx, c, u, MethodMagicLink); err != nil {
			return AuthResult{}, err
		}
	}
	return s.finishAuth(ctx, c, u, MethodMagicLink, "", s.sessionOptions(refreshToken))
}

// magicLinkRefusal is the one answer for a link that cannot log in;
// internal errors pass through.
func magicLinkRefusal(err error) error {
	switch {
	case errors.Is(err, errTokenInvalid), errors.Is(err, errTokenUsed),
		errors.Is(err, errTokenCollection), errors.Is(err, errTokenNoEmail):
		return Invalid(map[string]FieldError{"token": {Code: FieldInvalidToken}})
	}
	return err
}

// magicLinkTTL is the profile's magic-link lifetime, else core's.
func (s *Service) magicLinkTTL() time.Duration {
	if s.profile.MagicLinkTTL > 0 {
		return s.profile.MagicLinkTTL
	}
	return DefaultMagicLinkTTL
}
