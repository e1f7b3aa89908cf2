package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleVerify answers POST <slug>/verify/{token}: the mailed token
// marks its user verified. Any token core refuses is Payload's 403.
func (s *server) handleVerify(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := s.svc.ConfirmVerification(r.Context(), sl.c, r.PathValue("token")); err != nil {
			if core.AsError(err).Kind == core.KindInvalid {
				return errVerifyToken()
			}
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Account verified successfully."})
	})
}
