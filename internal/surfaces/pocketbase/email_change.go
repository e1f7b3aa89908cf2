package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleRequestEmailChange answers POST /request-email-change {newEmail}
// for the authenticated user; the confirmation goes to the new address.
func (s *server) handleRequestEmailChange() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.collection(w, r, msgNoCollection)
		if !ok {
			return nil
		}
		if err := core.RequireSameCollection(principal(r), c); err != nil {
			return err // auth is checked before the body, as in PocketBase
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		newEmail := f.str("newEmail")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.RequestEmailChange(r.Context(), principal(r), c, newEmail); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleConfirmEmailChange answers POST /confirm-email-change
// {token, password}; no auth header is needed.
func (s *server) handleConfirmEmailChange() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.collection(w, r, msgNoCollection)
		if !ok {
			return nil
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		token, pw := f.str("token"), f.str("password")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.ConfirmEmailChange(r.Context(), c, token, pw); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}
