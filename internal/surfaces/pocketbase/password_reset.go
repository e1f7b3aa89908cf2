package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleRequestPasswordReset answers POST /request-password-reset {email}
// with 204 whether or not the address is registered.
func (s *server) handleRequestPasswordReset() http.Handler {
	return s.formAction(func(r *http.Request, c *core.Collection, f *form) error {
		email := f.str("email")
		if f.err != nil {
			return f.err
		}
		return s.svc.RequestPasswordReset(r.Context(), c, core.MailRequest{Email: email})
	})
}

// handleConfirmPasswordReset answers POST /confirm-password-reset
// {token, password, passwordConfirm}.
func (s *server) handleConfirmPasswordReset() http.Handler {
	return s.formAction(func(r *http.Request, c *core.Collection, f *form) error {
		in := core.PasswordResetInput{Token: f.str("token"), Password: f.str("password")}
		confirm := f.str("passwordConfirm")
		if f.err != nil {
			return f.err
		}
		in.PasswordConfirm = &confirm
		return s.svc.ConfirmPasswordReset(r.Context(), c, in)
	})
}
