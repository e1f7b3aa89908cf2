package payload

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleVerify answers POST <slug>/verify/{token}: the mailed token
// marks its user verified. Any token core refuses is Payload's 403.
func (s *server) handleVerify(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.verifyEmail(r.Context(), sl, r.PathValue("token")); err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Account verified successfully."})
	})
}

// verifyEmail is the verification both routes run: any token core
// refuses is Payload's 403.
func (s *server) verifyEmail(ctx context.Context, sl slug, token string) error {
	if _, err := s.svc.ConfirmVerification(ctx, sl.c, token); err != nil {
		if core.AsError(err).Kind == core.KindInvalid {
			return errVerifyToken()
		}
		return err
	}
	return nil
}
