package core

import (
	"context"
	"time"
)

// PendingTokenType is the type claim of a pending token. It differs from
// an access token's ("auth"), so nothing that checks the type (core, or a
// service verifying our tokens offline with the JWKS) can take a login
// half done for a login.
const PendingTokenType = "auth_pending"

// The pending token's own claims: the MFA challenge it stands for, and
// whether the login asked for a refresh token.
const (
	pendingChallengeClaim = "mfa"
	pendingRefreshClaim   = "rt"
)

// pendingLogin answers a first factor of a user with an authenticator app
// with a pending token for the challenge ch (the profile's PendingToken),
// or with the usual CodeMFARequired when the second factor the
// collection needs is not the app: only the app's flows accept the
// token. The token lives as long as the challenge
// (Collection.MFA.Duration) and opens no session: the login is not done.
func (s *Service) pendingLogin(ctx context.Context, c *Collection, u User, ch MFAChallenge, o sessionOptions) (AuthResult, error) {
	has, err := s.hasAuthenticator(ctx, u)
	if err != nil {
		return AuthResult{}, err
	}
	if !has {
		return AuthResult{}, &Error{Kind: KindUnauthenticated, Code: CodeMFARequired, MFAID: ch.ID}
	}
	now := s.Now()
	exp := ch.Created.Add(c.MFA.Duration)
	claims := map[string]any{
		"type": PendingTokenType, "id": u.ID, "sub": u.ID, "collectionId": c.ID,
		pendingChallengeClaim: ch.ID, pendingRefreshClaim: o.refreshToken,
		"iat": now.Unix(), "exp": exp.Unix(),
	}
	if s.settings.Issuer != "" {
		claims["iss"] = s.settings.Issuer
	}
	if s.profile.MintClaims {
		claims[AuthorizedClaim], claims[SudoClaim] = false, false
	}
	token, err := s.signer.Sign(claims)
	if err != nil {
		return AuthResult{}, Internal(err)
	}
	return AuthResult{
		User: u, Collection: c, Token: token, Pending: true,
		AccessTTL: time.Unix(exp.Unix(), 0).Sub(now), AccessExpires: exp,
	}, nil
}
