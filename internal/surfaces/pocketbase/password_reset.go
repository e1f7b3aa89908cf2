package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRequestPasswordReset answers POST /request-password-reset {email}
// with 204 whether or not the address is registered.
func (s *server) handleRequestPasswordReset() http.Handler {
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
		if err := s.svc.RequestPasswordReset(r.Context(), c, email); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleConfirmPasswordReset answers POST /confirm-password-reset
// {token, password, passwordConfirm}.
func (s *server) handleConfirmPasswordReset() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.collection(w, r, msgNoCollection)
		if !ok {
			return nil
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		token, pw, confirm := f.str("token"), f.str("password"), f.str("passwordConfirm")
		if f.err != nil {
			return f.err
		}
		in := core.PasswordResetInput{Token: token, Password: pw, PasswordConfirm: &confirm}
		if err := s.svc.ConfirmPasswordReset(r.Context(), c, in); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}
