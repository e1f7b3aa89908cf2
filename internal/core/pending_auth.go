package core

import (
	"context"
	"errors"
	"time"
)

// PendingLogin is a login waiting for its second factor, as a pending
// token names it (AuthenticatePending).
type PendingLogin struct {
	User       User
	Collection *Collection
	// MFAID is the challenge the second factor completes.
	MFAID string
	// RefreshToken reports that the login asked for a refresh token, so
	// the completed one gets one too.
	RefreshToken bool
	Expires      time.Time
}

// errNotPending refuses, on a second-factor route, a valid access token
// of a completed login: there is nothing left to verify.
var errNotPending = NewError(KindInvalid, CodeMFAInvalid)

// AuthenticatePending checks a pending token of c (see
// SecondFactorProfile.PendingToken): our signature, its type, its
// expiry, that its challenge is still open and that its user may still
// log in. Refusals are unauthenticated errors with the causes
// Authenticate uses, except a valid access token, which is refused as
// CodeMFAInvalid: that login is already complete.
func (s *Service) AuthenticatePending(ctx context.Context, c *Collection, token string) (*PendingLogin, error) {
	if token == "" || len(token) > 8192 {
		return nil, badToken(ErrTokenMalformed)
	}
	claims, err := s.signer.Verify(token)
	if err != nil {
		return nil, badToken(ErrTokenInvalid)
	}
	v := AccessViewOf(claims)
	now := s.Now()
	switch {
	case v.Type == "auth" && v.live(now):
		return nil, errNotPending
	case v.Type != PendingTokenType:
		return nil, badToken(ErrTokenInvalid)
	case !v.live(now):
		return nil, badToken(ErrTokenExpired)
	case v.CollectionID != c.ID:
		return nil, badToken(ErrWrongCollection)
	}
	mfaID := claimString(claims, pendingChallengeClaim)
	refresh, _ := claims[pendingRefreshClaim].(bool)
	if v.UserID == "" || mfaID == "" {
		return nil, badToken(ErrTokenInvalid)
	}
	ch, err := s.liveChallenge(ctx, c, mfaID)
	if e := AsError(err); err != nil && e.Kind == KindInvalid {
		return nil, badToken(ErrSessionEnded) // completed, or timed out
	} else if err != nil {
		return nil, err
	}
	if ch.UserID != v.UserID {
		return nil, badToken(ErrTokenInvalid)
	}
	u, err := s.store.UserByID(ctx, c.ID, ch.UserID)
	if errors.Is(err, ErrNotFound) {
		return nil, badToken(ErrSessionEnded)
	} else if err != nil {
		return nil, Internal(err)
	}
	if u.Suspended() {
		return nil, badToken(ErrSessionEnded)
	}
	return &PendingLogin{
		User: u, Collection: c, MFAID: ch.ID, RefreshToken: refresh,
		Expires: time.Unix(int64(v.Exp), 0).UTC(),
	}, nil
}

// AuthenticateEither is for the routes that take either a pending token
// or an access token (Conduit's twoFa/authorize): exactly one of the
// results is set on success.
func (s *Service) AuthenticateEither(ctx context.Context, c *Collection, token string) (*Principal, *PendingLogin, error) {
	p, err := s.AuthenticateIn(ctx, c, token)
	if err == nil {
		return p, nil, nil
	}
	if !errors.Is(err, ErrSecondFactorPending) {
		return nil, nil, err
	}
	pl, err := s.AuthenticatePending(ctx, c, token)
	return nil, pl, err
}
