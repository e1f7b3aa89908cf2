package directus

import (
	"errors"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// loadAuth authenticates every request before routing, as Directus's
// global middleware does: the token comes from ?access_token=, else an
// `Authorization: Bearer <token>` header of exactly two parts, else the
// session cookie. Query and header together are refused. A token that
// is expired, forged or whose session ended fails the request, whatever
// the route (so a stale session cookie fails even a login). No token
// means an anonymous caller.
func (s *server) loadAuth(next http.Handler) http.Handler {
	return httpapi.LoadAuth(httpapi.AuthOptions{
		Tokens: httpapi.TokenRule{
			Schemes: []string{"Bearer"}, Strict: true, Query: "access_token",
			Cookie: s.opt.SessionCookieName, RefuseQueryAndHeader: true,
		},
		Service: s.svc, Collection: s.c,
		OnError: s.refuseToken,
	})(next)
}

// refuseToken answers a request loadAuth stopped. When the refused token
// was the session cookie and can never work again (not merely expired),
// the answer also clears it, as Directus does.
func (s *server) refuseToken(w http.ResponseWriter, r *http.Request, err error, src httpapi.TokenSource) {
	err = tokenError(err)
	if e, ok := asAPIError(err); ok && src == httpapi.SourceCookie &&
		(e.code == "INVALID_CREDENTIALS" || e.code == "INVALID_TOKEN") {
		s.jar.Clear(w, s.opt.SessionCookieName)
	}
	s.renderError(w, r, err)
}

// tokenError translates a refused token into Directus's answer: an
// expired token is TOKEN_EXPIRED; a JWT we did not sign is INVALID_TOKEN;
// anything else (a token that is not a JWT, which Directus would look up
// as a static token, one whose session ended, or one of another
// collection, which names no user of this surface) is
// INVALID_CREDENTIALS. A failure to check the token (the store is down)
// is no verdict on it and keeps its own answer.
func tokenError(err error) error {
	switch {
	case errors.Is(err, httpapi.ErrAmbiguousToken):
		return errInvalidPayload("The request uses more than one method for including an access token")
	case core.AsError(err).Kind != core.KindUnauthenticated:
		return err
	case errors.Is(err, core.ErrTokenExpired):
		return errTokenExpired()
	case errors.Is(err, core.ErrTokenInvalid):
		return errInvalidToken()
	}
	return errInvalidCredentials()
}

// requireUser returns the authenticated user, or Directus's answer to an
// anonymous caller of a user route.
func requireUser(r *http.Request) (*core.Principal, error) {
	if p := httpapi.CallerFrom(r.Context()).Principal; p != nil {
		return p, nil
	}
	return nil, errInvalidCredentials()
}
