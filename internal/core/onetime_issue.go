package core

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"errors"
	"time"
)

// issueOneTime signs a single-use token for u, stores its hash, and
// queues the mail that carries it, all inside q's transaction. The token
// is a JWT because PocketBase's SDK decodes these tokens' payloads; its
// jti names the stored row, which enforces single use. actionURL, when
// set, replaces the template's link (see MailRequest).
func (s *Service) issueOneTime(ctx context.Context, q Queries, c *Collection, u User, p Purpose, newEmail, actionURL string) error {
	_, err := s.oneTime(ctx, q, c, u, p, newEmail, actionURL, true)
	return err
}

// oneTime is issueOneTime, returning the token, and queuing its mail
// only when mail is set.
func (s *Service) oneTime(ctx context.Context, q Queries, c *Collection, u User, p Purpose, newEmail, actionURL string, mail bool) (string, error) {
	now := s.Now()
	var ttl time.Duration
	var tmpl MailTemplate
	to := u.Email
	switch p {
	case PurposeVerification:
		ttl, tmpl = c.VerificationTTL, c.Mail.Verification
	case PurposePasswordReset:
		ttl, tmpl = c.PasswordResetTTL, c.Mail.PasswordReset
	case PurposeEmailChange, PurposeEmailChangeLink:
		ttl, tmpl, to = c.EmailChangeTTL, c.Mail.EmailChange, newEmail
	case PurposeMagicLink:
		ttl, tmpl = s.magicLinkTTL(), c.Mail.MagicLink
	}
	ott := OneTimeToken{
		ID: NewID(), UserID: u.ID, CollectionID: c.ID, Purpose: p,
		Email: u.Email, NewEmail: newEmail, Created: now, Expires: now.Add(ttl),
	}
	claims := map[string]any{
		"id": u.ID, "collectionId": c.ID, "type": string(p), "email": u.Email,
		"jti": ott.ID, "iat": now.Unix(), "exp": ott.Expires.Unix(),
	}
	if newEmail != "" {
		claims["newEmail"] = newEmail
	}
	token, err := s.signer.Sign(claims)
	if err != nil {
		return "", Internal(err)
	}
	sum := sha256.Sum256([]byte(token))
	ott.Hash = sum[:]
	if err := q.InsertOneTimeToken(ctx, ott); err != nil {
		return "", Internal(err)
	}
	if !mail {
		return token, nil
	}
	if actionURL != "" {
		tmpl.ActionURL = actionURL
	}
	msg := tmpl.Render(MailVars{AppName: s.settings.AppName, AppURL: s.settings.AppURL, Email: to, Token: token}, to)
	msg.ID, msg.Created, msg.NextAttempt = NewID(), now, now
	if err := q.EnqueueMail(ctx, msg); err != nil {
		return "", Internal(err)
	}
	return token, nil
}

// mailOneTime is the shared body of the "mail me a link" requests: it
// validates the address and, when it belongs to a user that skip does not
// exclude and that was not mailed within the throttle, issues a token and
// queues its mail. Every one of those cases answers the same (nil), so the
// answer never tells whether the address is registered.
func (s *Service) mailOneTime(ctx context.Context, c *Collection, in MailRequest, p Purpose, skip func(User) bool) error {
	email := in.Email
	fe := fieldErrors{}
	fe.checkEmail("email", email)
	if err := fe.err(); err != nil {
		return err
	}
	action := ActionVerification
	switch p {
	case PurposePasswordReset:
		action = ActionPasswordReset
	case PurposeMagicLink:
		action = ActionOTP // a mailed login secret, limited as codes are
	}
	if err := s.limit(ctx, action, c.ID+"\x00"+identityKey(email)); err != nil {
		return err
	}
	u, err := s.userByEmail(ctx, c, email)
	if errors.Is(err, ErrNotFound) {
		return nil
	} else if err != nil {
		return Internal(err)
	}
	if skip != nil && skip(u) {
		return nil
	}
	if sent, err := s.recentlySent(ctx, u, p); err != nil || sent {
		return err
	}
	if err := s.store.InTx(ctx, func(q Queries) error {
		return s.issueOneTime(ctx, q, c, u, p, "", in.ActionURL)
	}); err != nil {
		return AsError(err)
	}
	s.mailQueued()
	return nil
}

// recentlySent reports whether an unused token of purpose p was issued to
// u within the resend throttle (the profile's, else core's), so a burst
// of requests sends one mail.
func (s *Service) recentlySent(ctx context.Context, u User, p Purpose) (bool, error) {
	t, err := s.store.LatestOneTimeToken(ctx, u.ID, p)
	if errors.Is(err, ErrNotFound) {
		return false, nil
	} else if err != nil {
		return false, Internal(err)
	}
	throttle := resendThrottle
	if s.profile.ResendThrottle > 0 {
		throttle = s.profile.ResendThrottle
	}
	return t.UsedAt.IsZero() && s.Now().Sub(t.Created) < throttle, nil
}

// oneTimeClaims are the verified contents of a one-time token.
type oneTimeClaims struct {
	row      OneTimeToken
	email    string
	newEmail string
	claims   map[string]any
}

// Reasons a one-time token check fails; callers map them to field errors.
var (
	errTokenInvalid    = errors.New("invalid or expired token")
	errTokenCollection = errors.New("token belongs to another collection")
	errTokenNoEmail    = errors.New("missing email claim")
	errTokenUsed       = errors.New("token already used")
)

// checkOneTime verifies a one-time token's signature, type, expiry and
// collection, then its stored row: same hash, unused, unexpired. It does
// not mark the token used.
func (s *Service) checkOneTime(ctx context.Context, c *Collection, token string, p Purpose) (oneTimeClaims, error) {
	claims, err := s.signer.Verify(token)
	if err != nil || claimString(claims, "type") != string(p) || !claimsLive(claims, s.Now()) {
		return oneTimeClaims{}, errTokenInvalid
	}
	out := oneTimeClaims{email: claimString(claims, "email"), newEmail: claimString(claims, "newEmail"), claims: claims}
	if out.email == "" {
		return out, errTokenNoEmail
	}
	if claimString(claims, "collectionId") != c.ID {
		return out, errTokenCollection
	}
	row, err := s.store.OneTimeTokenByID(ctx, claimString(claims, "jti"))
	if errors.Is(err, ErrNotFound) {
		return out, errTokenInvalid
	} else if err != nil {
		return out, Internal(err)
	}
	sum := sha256.Sum256([]byte(token))
	if subtle.ConstantTimeCompare(sum[:], row.Hash) != 1 || row.Purpose != p ||
		row.CollectionID != c.ID || row.UserID != claimString(claims, "id") ||
		!s.Now().Before(row.Expires) {
		return out, errTokenInvalid
	}
	out.row = row
	if !row.UsedAt.IsZero() {
		return out, errTokenUsed
	}
	return out, nil
}

// tokenFieldError turns a checkOneTime failure into the `token` field
// error clients expect; internal errors pass through.
func tokenFieldError(err error) error {
	switch {
	case errors.Is(err, errTokenInvalid), errors.Is(err, errTokenUsed):
		return Invalid(map[string]FieldError{"token": {Code: FieldInvalidToken}})
	case errors.Is(err, errTokenCollection):
		return Invalid(map[string]FieldError{"token": {Code: FieldTokenCollection}})
	case errors.Is(err, errTokenNoEmail):
		return Invalid(map[string]FieldError{"token": {Code: FieldTokenClaims}})
	}
	return err
}
