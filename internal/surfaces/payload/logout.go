package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// messageBody is the plain `{"message": ...}` answer.
type messageBody struct {
	Message string `json:"message"`
}

// handleLogout answers POST <slug>/logout?allSessions=: it ends the
// token's session (every session of the user with allSessions=true) and
// clears the cookie. Without a user it is 400 "No User"; a user of
// another collection is 403 "Incorrect collection".
func (s *server) handleLogout(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p := anyCaller(r)
		switch {
		case p == nil:
			return errNoUser()
		case p.Collection.ID != sl.c.ID:
			return errIncorrectCollection()
		}
		var err error
		if r.URL.Query().Get("allSessions") == "true" {
			_, err = s.svc.LogoutAll(r.Context(), p, sl.c)
		} else if err = s.svc.Logout(r.Context(), p, sl.c); core.AsError(err).Kind == core.KindNotFound {
			err = nil // ended meanwhile: nothing left to end
		}
		if err != nil {
			return err
		}
		s.jar.Clear(w, s.opt.CookieName())
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Logout successful."})
	})
}
