package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRequestVerification answers POST /request-verification {email}
// with 204 whether or not the address is registered.
func (s *server) handleRequestVerification() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.collection(w, r, msgNoCollection)
		if !ok {
			return nil
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		email := f.str("email")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.RequestVerification(r.Context(), c, email); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleConfirmVerification answers POST /confirm-verification {token}.
func (s *server) handleConfirmVerification() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.collection(w, r, msgNoCollection)
		if !ok {
			return nil
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		token := f.str("token")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.ConfirmVerification(r.Context(), c, token); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}
