package conduit

import (
	"errors"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// Conduit's authMiddleware messages (spec §3.3).
const (
	msgNoToken      = "No 'Authorization' header or 'accessToken' cookie present"
	msgMalformed    = "'Authorization' header malformed"
	msgScheme       = "The 'Authorization' header must be prefixed by 'Bearer '"
	msgTokenInvalid = "Token is expired or otherwise not valid"
	msgTokenRevoked = "Token has been revoked or there is a mismatch between the token and the client"
	msg2FARequired  = "2FA is required"
)

// loadClient attaches the client (IP, user agent) to every request, for
// core's rate limits, sessions and audit log. It reads no token: Conduit
// authenticates per route (user, optionalUser).
func (s *server) loadClient(next http.Handler) http.Handler {
	return httpapi.LoadAuth(httpapi.AuthOptions{
		Service: s.svc, Collection: s.c,
		OnError: func(w http.ResponseWriter, r *http.Request, err error, _ httpapi.TokenSource) {
			s.writeError(w, r, err)
		},
	})(next)
}

// userFunc is a route handler that needs the caller.
type userFunc func(w http.ResponseWriter, r *http.Request, p *core.Principal) error

// authNeed is what a route asks of the caller's access token.
type authNeed uint8

const (
	// needUser: a valid access token of a user whose login is complete.
	needUser authNeed = iota
	// needUserPending: a valid access token, even one still waiting for
	// its second factor (twoFa verify, authorize and recover).
	needUserPending
	// optionalUser: the token, if any and valid, else a guest (nil).
	optionalUser
)

// user serves fn to callers with a valid access token.
func (s *server) user(fn userFunc) http.Handler { return s.withUser(needUser, fn) }

// userPending serves fn to callers whose login may still wait for its
// second factor.
func (s *server) userPending(fn userFunc) http.Handler { return s.withUser(needUserPending, fn) }

// optional serves fn to anyone, with the caller when its token is good.
func (s *server) optional(fn userFunc) http.Handler { return s.withUser(optionalUser, fn) }

func (s *server) withUser(need authNeed, fn userFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, err := s.principal(r, need)
		if err != nil {
			return err
		}
		return fn(w, r, p)
	})
}

// principal authenticates the request's access token (Authorization:
// Bearer, else the accessToken cookie) as Conduit's authMiddleware does.
func (s *server) principal(r *http.Request, need authNeed) (*core.Principal, error) {
	tok, src, err := s.access.Extract(r)
	if err == nil && src == httpapi.SourceNone {
		err = errUnauthorized(msgNoToken)
	}
	if err != nil {
		if need == optionalUser {
			return nil, nil
		}
		return nil, tokenError(err)
	}
	p, err := s.svc.AuthenticateIn(r.Context(), s.c, tok)
	if err != nil {
		if need == optionalUser && core.AsError(err).Kind == core.KindUnauthenticated {
			return nil, nil
		}
		return nil, tokenError(err)
	}
	if need == needUser && !authorized(p) {
		return nil, errUnauthorized(msg2FARequired)
	}
	return p, nil
}

// authorized reports whether p's login is complete (no second factor
// pending): Conduit's `authorized` claim.
func authorized(p *core.Principal) bool { return p != nil }

// tokenError translates a refused token into Conduit's 401s: a header
// that breaks the Bearer rule, a token that is not ours or expired, or
// one whose session ended (revoked, or of another collection: it names
// no user here). A failure to check the token keeps its own answer.
func tokenError(err error) error {
	switch {
	case errors.Is(err, httpapi.ErrAuthorizationMalformed):
		return errUnauthorized(msgMalformed)
	case errors.Is(err, httpapi.ErrAuthorizationScheme):
		return errUnauthorized(msgScheme)
	}
	if _, ok := asAPIError(err); ok {
		return err
	}
	switch {
	case core.AsError(err).Kind != core.KindUnauthenticated:
		return err
	case errors.Is(err, core.ErrSecondFactorPending):
		return errUnauthorized(msg2FARequired)
	case errors.Is(err, core.ErrSessionEnded), errors.Is(err, core.ErrWrongCollection), errors.Is(err, core.ErrWrongClient):
		return errUnauthorized(msgTokenRevoked)
	}
	return errUnauthorized(msgTokenInvalid)
}
