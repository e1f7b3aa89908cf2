package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// refreshAnswer is POST <slug>/refresh-token's body; field order is
// Payload's.
type refreshAnswer struct {
	Message        string        `json:"message"`
	Exp            int64         `json:"exp"`
	RefreshedToken string        `json:"refreshedToken"`
	SetCookie      bool          `json:"setCookie"`
	Strategy       string        `json:"strategy"`
	User           orderedObject `json:"user"`
}

// handleRefresh answers POST <slug>/refresh-token: Payload's sliding
// refresh, with no refresh token of its own. A still-valid token of the
// slug's collection (header or cookie) gets a new one for the same
// session, whose life is extended (core.Service.Refresh); anything else
// is 403.
func (s *server) handleRefresh(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := caller(r, sl)
		if p == nil {
			return errForbidden()
		}
		res, err := s.svc.Refresh(r.Context(), p, sl.c)
		if err != nil {
			return err
		}
		user, err := s.authDocument(r.Context(), sl, res)
		if err != nil {
			return err
		}
		exp := expOf(res.Token)
		s.setToken(w, res.Token, exp)
		return httpapi.WriteJSON(w, http.StatusOK, refreshAnswer{
			Message: "Token refresh successful.", Exp: exp, RefreshedToken: res.Token, SetCookie: true, Strategy: strategy, User: user,
		})
	})
}
