package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleRequestVerification answers POST /request-verification {email}
// with 204 whether or not the address is registered.
func (s *server) handleRequestVerification() http.Handler {
	return s.formAction(func(r *http.Request, c *core.Collection, f *form) error {
		email := f.str("email")
		if f.err != nil {
			return f.err
		}
		return s.svc.RequestVerification(r.Context(), c, core.MailRequest{Email: email})
	})
}

// handleConfirmVerification answers POST /confirm-verification {token}.
func (s *server) handleConfirmVerification() http.Handler {
	return s.formAction(func(r *http.Request, c *core.Collection, f *form) error {
		token := f.str("token")
		if f.err != nil {
			return f.err
		}
		_, err := s.svc.ConfirmVerification(r.Context(), c, token)
		return err
	})
}
