package core

import "time"

// TokenOptions let a surface issue a session's tokens with its own
// lifetimes instead of its collection's. Directus clients, for instance,
// expect 15-minute access tokens and 7-day refresh tokens, while the same
// collection serves PocketBase clients with its own TTLs. Zero fields mean
// the collection's values.
type TokenOptions struct {
	// AccessTTL is the access token's lifetime (and, without a refresh
	// token, the session's).
	AccessTTL time.Duration
	// RefreshTTL is how long a refresh token lives without being used.
	RefreshTTL time.Duration
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

// sessionOptions returns the session options these token options ask
// for; loginSession fills a zero ttl with the collection's.
func (o TokenOptions) sessionOptions(refreshToken bool) sessionOptions {
	return sessionOptions{refreshToken: refreshToken, ttl: o.AccessTTL, refreshTTL: o.RefreshTTL}
}

// accessLifetime is how long an access token meant to expire at exp
// really lives from now: signAccess never lets it outlive its session.
func accessLifetime(sess Session, now, exp time.Time) time.Duration {
	if exp.After(sess.Expires) {
		exp = sess.Expires
	}
	return exp.Sub(now)
}
