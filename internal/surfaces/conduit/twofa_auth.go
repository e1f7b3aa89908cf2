package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// secondFactorFunc is a handler of the routes that take a login still
// waiting for its second factor (twoFa authorize, verify, recover):
// exactly one of p (a completed login's access token) and pl (a pending
// token, `authorized: false`) is set.
type secondFactorFunc func(w http.ResponseWriter, r *http.Request, p *core.Principal, pl *core.PendingLogin) error

// pendingUser serves fn to callers holding an access token or a pending
// token, read by the same rule as every other route (Bearer, else the
// accessToken cookie) and refused with the same words.
func (s *server) pendingUser(fn secondFactorFunc) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		tok, src, err := s.access.Extract(r)
		if err == nil && src == httpapi.SourceNone {
			err = errUnauthorized(msgNoToken)
		}
		if err != nil {
			return tokenError(err)
		}
		p, pl, err := s.svc.AuthenticateEither(r.Context(), s.c, tok)
		if err != nil {
			return tokenError(err)
		}
		return fn(w, r, p, pl)
	})
}
