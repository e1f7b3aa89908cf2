package payload

import (
	"context"
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
		email, err := s.readEmail(r)
		if err != nil {
			return err
		}
		if err := s.unlock(r.Context(), sl, anyCaller(r), email); err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Success"})
	})
}

// unlock is the unlock both routes run, for the caller p (nil for a
// guest) under the unlock rule: a refused caller and an unknown address
// are both Payload's 403.
func (s *server) unlock(ctx context.Context, sl slug, p *core.Principal, email string) error {
	if err := s.svc.Unlock(ctx, p, sl.c, email, s.opt.unlockRule()); err != nil {
		switch core.AsError(err).Kind {
		case core.KindUnauthenticated, core.KindForbidden, core.KindNotFound:
			return errForbidden()
		}
		return err
	}
	return nil
}
