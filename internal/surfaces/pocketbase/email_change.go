package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRequestEmailChange answers POST /request-email-change {newEmail}
// for the authenticated user; the confirmation goes to the new address.
// Auth is checked before the body, as in PocketBase.
func (s *server) handleRequestEmailChange() http.Handler {
	return s.authedForm(func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error {
		newEmail := f.str("newEmail")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.RequestEmailChange(r.Context(), p, c, newEmail); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleConfirmEmailChange answers POST /confirm-email-change
// {token, password}; no auth header is needed.
func (s *server) handleConfirmEmailChange() http.Handler {
	return s.formAction(func(r *http.Request, c *core.Collection, f *form) error {
		token, pw := f.str("token"), f.str("password")
		if f.err != nil {
			return f.err
		}
		return s.svc.ConfirmEmailChange(r.Context(), c, token, pw)
	})
}
