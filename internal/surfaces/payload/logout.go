package payload

import (
	"context"
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
		if err := s.logOut(r.Context(), sl, anyCaller(r), r.URL.Query().Get("allSessions") == "true"); err != nil {
			return err
		}
		s.jar.Clear(w, s.opt.CookieName())
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Logout successful."})
	})
}

// logOut is the logout both routes run: p (the caller, nil for a guest)
// must be a user of sl's collection; it ends p's session, or with all
// every session of the user. The caller clears the cookie.
func (s *server) logOut(ctx context.Context, sl slug, p *core.Principal, all bool) error {
	switch {
	case p == nil:
		return errNoUser()
	case p.Collection.ID != sl.c.ID:
		return errIncorrectCollection()
	}
	if all {
		_, err := s.svc.LogoutAll(ctx, p, sl.c)
		return err
	}
	if err := s.svc.Logout(ctx, p, sl.c); core.AsError(err).Kind != core.KindNotFound {
		return err // nil included; not found: ended meanwhile, nothing left to end
	}
	return nil
}
