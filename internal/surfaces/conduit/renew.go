package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRenew answers POST /authentication/renew: the refresh token
// (Authorization: Bearer, else the refreshToken cookie) is rotated
// through core's reuse detection, and the new pair is the answer (or
// cookies). The old refresh token is dead at once (the profile's
// NoReuseGrace): presenting it again ends the session, both pairs with
// it. The new access token is not fresh, so it cannot enter sudo mode.
func (s *server) handleRenew(w http.ResponseWriter, r *http.Request) error {
	tok, src, err := s.refresh.Extract(r)
	if err != nil {
		return tokenError(err)
	}
	if src == httpapi.SourceNone {
		return errUnauthorized(msgNoRefreshToken)
	}
	res, err := s.svc.RefreshWithToken(r.Context(), s.c, tok)
	if err != nil {
		return err
	}
	return s.writeTokens(w, res, false)
}

// msgNoRefreshToken answers a renew without a refresh token.
const msgNoRefreshToken = "No 'Authorization' header or 'refreshToken' cookie present"
