package core

import (
	"context"
	"errors"
	"strings"
	"time"
)

// Principal is the authenticated caller of a request: a user, the
// collection it belongs to, and the session its token names.
type Principal struct {
	User        User
	Collection  *Collection
	Session     Session
	Token       string
	Refreshable bool
	Expires     time.Time
	// Fresh reports a token minted by a fresh credential check (its
	// `sudo` claim, see Mint): flows of a profile with RequireFresh
	// refuse a caller without it.
	Fresh bool
}

// IsSuperuser reports whether the caller is a superuser. A nil Principal
// (a guest) is not.
func (p *Principal) IsSuperuser() bool { return p != nil && p.Collection.Superusers }

// Is reports whether the caller is the given user of the given collection.
func (p *Principal) Is(c *Collection, userID string) bool {
	return p != nil && p.Collection.ID == c.ID && p.User.ID == userID
}

// Why Authenticate refused a token, kept as the Cause of its error
// (errors.Is finds it). Every refusal has the same kind, code and message;
// a surface whose wire format tells them apart (Directus answers
// TOKEN_EXPIRED, INVALID_TOKEN or INVALID_CREDENTIALS) reads the cause.
// Exactly one of them is the cause of a refusal.
var (
	// ErrTokenExpired: a token of ours, intact, past its exp.
	ErrTokenExpired = errors.New("token expired")
	// ErrTokenInvalid: shaped like a JWT (three dot-separated parts) but
	// not a token of ours: bad signature, unknown key, another type,
	// missing or malformed claims.
	ErrTokenInvalid = errors.New("token invalid")
	// ErrTokenMalformed: not a JWT at all (not three dot-separated
	// parts), such as an opaque key a client mistook for a token. A
	// surface with static API keys would look such a token up rather than
	// call it forged.
	ErrTokenMalformed = errors.New("token malformed")
	// ErrSessionEnded: a valid token whose session was revoked or ran
	// out, or whose user is gone.
	ErrSessionEnded = errors.New("session ended")
	// ErrWrongCollection: a valid token of a user of another collection
	// than the one AuthenticateIn was asked for. It names no user there.
	ErrWrongCollection = errors.New("token of another collection")
	// ErrWrongClient: a valid token whose session another app client
	// opened, under a profile with BindClient.
	ErrWrongClient = errors.New("token of another client")
	// ErrSecondFactorPending: a pending token of ours (a login still
	// waiting for the user's authenticator app, see AuthenticatePending),
	// which no route but the second factor's accepts.
	ErrSecondFactorPending = errors.New("second factor pending")
)

// badToken is what a rejected access token reads as; the reason is for
// the surface and the debug log.
func badToken(reason error) *Error {
	return &Error{Kind: KindUnauthenticated, Code: CodeAuthRequired, Cause: reason}
}

// Authenticate checks an access token: its signature, type and expiry, that
// its session is still active, and that its user still exists and is not
// suspended. Any
// failure is an unauthenticated error; a store failure is internal.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	claims, err := s.signer.VerifyAccess(token)
	if err != nil {
		s.log.DebugContext(ctx, "token rejected", "reason", err)
		if strings.Count(token, ".") != 2 {
			return nil, badToken(ErrTokenMalformed)
		}
		return nil, badToken(ErrTokenInvalid)
	}
	raw := s.now()
	now := raw.UTC().Truncate(time.Millisecond) // s.Now()
	if claims.Type != "auth" {
		if claims.Type == PendingTokenType && claims.live(now) {
			return nil, badToken(ErrSecondFactorPending)
		}
		return nil, badToken(ErrTokenInvalid)
	}
	if !claims.live(now) {
		if claims.HasExp && float64(now.Unix()) >= claims.Exp {
			return nil, badToken(ErrTokenExpired)
		}
		return nil, badToken(ErrTokenInvalid)
	}
	uid, cid, sid := claims.UserID, claims.CollectionID, claims.SessionID
	c, ok := s.collections.ByID(cid)
	if uid == "" || sid == "" || !ok {
		return nil, badToken(ErrTokenInvalid)
	}
	// One read for both: a session whose user is gone reads as missing.
	var mono time.Time // the cache's clock: the real one, whatever s.now is
	if s.realClock {
		mono = raw
	}
	sess, u, err := s.sessionWithUser(ctx, sid, mono)
	if errors.Is(err, ErrNotFound) {
		return nil, badToken(ErrSessionEnded)
	} else if err != nil {
		return nil, Internal(err)
	}
	if sess.UserID != uid || sess.CollectionID != cid || u.CollectionID != cid {
		return nil, badToken(ErrTokenInvalid)
	}
	if !sess.Active(now) || u.Suspended() {
		return nil, badToken(ErrSessionEnded)
	}
	if err := s.clientBound(ctx, sess); err != nil {
		return nil, err
	}
	return &Principal{
		User: u, Collection: c, Session: sess, Token: token,
		Refreshable: claims.Refreshable, Expires: time.Unix(int64(claims.Exp), 0).UTC(), Fresh: claims.Sudo,
	}, nil
}

// AuthenticateIn is Authenticate for a surface bound to one collection:
// a valid token of a user of another collection is refused like any bad
// token, with ErrWrongCollection as its cause. A nil c accepts every
// collection, as Authenticate does.
func (s *Service) AuthenticateIn(ctx context.Context, c *Collection, token string) (*Principal, error) {
	p, err := s.Authenticate(ctx, token)
	if err != nil {
		return nil, err
	}
	if c != nil && p.Collection.ID != c.ID {
		return nil, badToken(ErrWrongCollection)
	}
	return p, nil
}

// claimString returns a string claim, or "" when it is missing or not a
// string.
func claimString(claims map[string]any, key string) string {
	v, _ := claims[key].(string)
	return v
}

// claimsLive checks exp (required) and nbf (optional) against now.
func claimsLive(claims map[string]any, now time.Time) bool {
	v := AccessViewOf(claims)
	return v.live(now)
}
