package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleUnlock answers POST <slug>/unlock {email}: it lifts the lockout
// of that account (core.Service.Unlock, under the unlock_access rule).
// A caller the rule refuses (a guest included) and an unknown address
// are 403, as Payload answers both.
func (s *server) handleUnlock(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		email, err := b.email()
		if err != nil {
			return err
		}
		if email == "" {
			return errMissing("email")
		}
		if err := s.svc.Unlock(r.Context(), anyCaller(r), sl.c, email, s.opt.unlockRule()); err != nil {
			switch core.AsError(err).Kind {
			case core.KindUnauthenticated, core.KindForbidden, core.KindNotFound:
				return errForbidden()
			}
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Success"})
	})
}
