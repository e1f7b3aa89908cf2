package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleLogout answers POST /authentication/logout with
// {"result":"LoggedOut"}: the caller's session ends (its access and
// refresh tokens with it), and the token cookies are cleared.
func (s *server) handleLogout(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if err := s.svc.Logout(r.Context(), p, s.c); err != nil && core.AsError(err).Kind != core.KindNotFound {
		return err
	}
	s.clearTokens(w, r)
	return writeResult(w, "LoggedOut")
}
