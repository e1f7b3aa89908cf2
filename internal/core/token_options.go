package core

import "time"

// TokenOptions are the lifetimes a surface issues a session's tokens
// with (Profile.Tokens), instead of its collection's. Directus clients,
// for instance, expect 15-minute access tokens and 7-day refresh tokens,
// while the same collection serves PocketBase clients with its own TTLs.
// Zero fields mean the collection's values.
type TokenOptions struct {
	// AccessTTL is the access token's lifetime.
	AccessTTL time.Duration
	// RefreshTTL is how long a refresh token lives without being used.
	RefreshTTL time.Duration
	// SessionTTL is the lifetime of a login without a refresh token (a
	// browser session held in a cookie) and of its access token, and of
	// the session a rotation (RotateSession) opens; 0 means AccessTTL.
	SessionTTL time.Duration
	// SessionGrace is how long the old session keeps working after a
	// rotation, for requests already in flight with its token; 0 ends it
	// at once.
	SessionGrace time.Duration
}

// accessTTL is the access token lifetime for c.
func (o TokenOptions) accessTTL(c *Collection) time.Duration {
	if o.AccessTTL > 0 {
		return o.AccessTTL
	}
	return c.AuthTokenTTL
}

// refreshTTL is the refresh token lifetime for c.
func (o TokenOptions) refreshTTL(c *Collection) time.Duration {
	if o.RefreshTTL > 0 {
		return o.RefreshTTL
	}
	return c.RefreshTokenTTL
}

// sessionTTL is the lifetime of a session without a refresh token for c.
func (o TokenOptions) sessionTTL(c *Collection) time.Duration {
	if o.SessionTTL > 0 {
		return o.SessionTTL
	}
	return o.accessTTL(c)
}

// sessionOptions returns the options of a login's new session, by the
// profile's lifetimes and whether the client asked for a refresh token;
// loginSession fills a zero ttl with the collection's.
func (s *Service) sessionOptions(refreshToken bool) sessionOptions {
	t := s.profile.Tokens
	o := sessionOptions{refreshToken: refreshToken, ttl: t.AccessTTL, refreshTTL: t.RefreshTTL}
	if !refreshToken && t.SessionTTL > 0 {
		o.ttl = t.SessionTTL
	}
	return o
}

// accessLifetime is how long an access token meant to expire at exp
// really lives from now: signAccess never lets it outlive its session.
func accessLifetime(sess Session, now, exp time.Time) time.Duration {
	return accessExpiry(sess, exp).Sub(now)
}

// accessExpiry is the exp signAccess writes for a token of sess asked to
// last until exp: never past the session's end.
func accessExpiry(sess Session, exp time.Time) time.Time {
	if exp.After(sess.Expires) {
		return sess.Expires
	}
	return exp
}
