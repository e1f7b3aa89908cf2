package core

import (
	"context"
	"time"
)

// AuthResult is a successful authentication: the user, the session it
// opened or used, a signed access token, and (when asked for) an opaque
// refresh token.
type AuthResult struct {
	User           User
	Collection     *Collection
	Session        Session
	Token          string
	RefreshToken   string
	RefreshExpires time.Time
	// AccessTTL is the access token's lifetime from its issue (its exp
	// claim, before rounding down to the second): what a surface reports
	// as the token's validity.
	AccessTTL time.Duration
	// AccessExpires is the access token's expiry (its exp claim, before
	// rounding down to the second), so a surface that reports it need not
	// parse the token it was just handed.
	AccessExpires time.Time
	// Pending reports a login that still needs the user's authenticator
	// app (SecondFactorProfile.PendingToken): Token is a pending token,
	// and there is no session and no refresh token yet.
	Pending bool
}

// sessionOptions shape a new session.
type sessionOptions struct {
	amr          []string
	ttl          time.Duration // access token lifetime
	refreshTTL   time.Duration // refresh token lifetime; 0 means the collection's
	refreshable  bool          // the access token may be refreshed with itself
	refreshToken bool          // also issue an opaque refresh token
	impersonator string
	aal          int // assurance level; 0 means 1
}

// openSession stores a new session for u and signs its first token (and
// refresh token). The session ends when its last token would: the access
// token's expiry, or the refresh token's when there is one.
func (s *Service) openSession(ctx context.Context, q Queries, c *Collection, u User, o sessionOptions) (AuthResult, error) {
	now := s.Now()
	cl := ClientFrom(ctx)
	sess := Session{
		ID:             NewID(),
		UserID:         u.ID,
		CollectionID:   c.ID,
		Created:        now,
		LastUsed:       now,
		Expires:        now.Add(o.ttl),
		IP:             cl.IP,
		UserAgent:      truncate(cl.UserAgent, 512),
		AMR:            o.amr,
		AAL:            max(1, o.aal),
		ImpersonatorID: o.impersonator,
		Client:         truncate(cl.App, maxClientLen),
	}
	res := AuthResult{User: u, Collection: c}
	var rt RefreshToken
	if o.refreshToken {
		rttl := c.RefreshTokenTTL
		if o.refreshTTL > 0 {
			rttl = o.refreshTTL
		}
		res.RefreshToken, rt = newRefreshToken(sess.ID, "", now, now.Add(rttl))
		res.RefreshExpires = rt.Expires
		sess.Expires = maxTime(sess.Expires, rt.Expires)
	}
	if err := q.InsertSession(ctx, sess); err != nil {
		return AuthResult{}, Internal(err)
	}
	if o.refreshToken {
		if err := q.InsertRefreshToken(ctx, rt); err != nil {
			return AuthResult{}, Internal(err)
		}
	}
	// A new session is a login's (or an impersonation's, which checked
	// no credential of the user's): its first token is fresh.
	token, err := s.signAccessMint(c, u, sess, now, now.Add(o.ttl), o.refreshable, Mint{Fresh: o.impersonator == ""})
	if err != nil {
		return AuthResult{}, err
	}
	res.Session, res.Token = sess, token
	res.AccessTTL = accessLifetime(sess, now, now.Add(o.ttl))
	res.AccessExpires = accessExpiry(sess, now.Add(o.ttl))
	return res, nil
}

// signAccess signs an access token (see AccessClaims), with the extra
// claims of the service's profile, as a token minted without a fresh
// credential check (refreshes and rotations). The expiry never outlives
// the session.
func (s *Service) signAccess(c *Collection, u User, sess Session, now, exp time.Time, refreshable bool) (string, error) {
	return s.signAccessMint(c, u, sess, now, exp, refreshable, Mint{})
}

// signAccessMint is signAccess for a token minted as m: the profile's
// MintClaims follow its own claims.
func (s *Service) signAccessMint(c *Collection, u User, sess Session, now, exp time.Time, refreshable bool, m Mint) (string, error) {
	if exp.After(sess.Expires) {
		exp = sess.Expires
	}
	claims := AccessClaims{
		UserID: u.ID, CollectionID: c.ID, SessionID: sess.ID, Issuer: s.settings.Issuer,
		IssuedAt: now.Unix(), Expires: exp.Unix(), Refreshable: refreshable,
	}
	if mint := s.mintClaims(m); len(s.profile.Claims)+len(mint) > 0 {
		claims.Extra = make([]Claim, len(s.profile.Claims), len(s.profile.Claims)+len(mint))
		for i, ac := range s.profile.Claims {
			claims.Extra[i] = Claim{Name: ac.Name, Value: ac.Value(c, u)}
		}
		claims.Extra = append(claims.Extra, mint...)
	}
	token, err := s.signer.SignAccess(claims)
	if err != nil {
		return "", Internal(err)
	}
	return token, nil
}

func maxTime(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}

// truncate cuts s to at most n bytes without splitting a UTF-8 sequence.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && s[n]&0xC0 == 0x80 {
		n--
	}
	return s[:n]
}
