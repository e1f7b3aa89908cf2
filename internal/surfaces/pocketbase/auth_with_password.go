package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleAuthWithPassword answers POST /auth-with-password with
// {identity, password, identityField?}.
func (s *server) handleAuthWithPassword() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		in := core.PasswordLogin{
			Identity:      f.str("identity"),
			Password:      f.str("password"),
			IdentityField: f.str("identityField"),
			// Gatehouse's extension: ?withRefreshToken=true also issues
			// an opaque refresh token (in meta.refreshToken).
			RefreshToken: r.URL.Query().Get("withRefreshToken") == "true",
			MFAID:        mfaID(r, f),
		}
		if f.err != nil {
			return f.err
		}
		res, err := s.svc.LoginWithPassword(r.Context(), c, in)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}

// handleAuthRefresh answers POST /auth-refresh: a new token for the
// caller's session (the same token for a non-refreshable one).
func (s *server) handleAuthRefresh() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		res, err := s.svc.Refresh(r.Context(), principal(r), c)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}

// handleImpersonate answers POST /impersonate/{id} for superusers with
// {duration?} in seconds. The order of checks is PocketBase's: the
// superuser token, the collection, the record, then the body.
func (s *server) handleImpersonate() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		if err := core.RequireSuperuser(p); err != nil {
			return err
		}
		c, ok := s.collection(w, r, msgNoAuthCollection)
		if !ok {
			return nil
		}
		id := r.PathValue("id")
		if _, err := s.svc.ViewUser(r.Context(), p, c, id); err != nil {
			return err
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		secs := f.int64("duration")
		if f.err != nil {
			return f.err
		}
		res, err := s.svc.Impersonate(r.Context(), p, c, id, durationFromSeconds(secs))
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}
