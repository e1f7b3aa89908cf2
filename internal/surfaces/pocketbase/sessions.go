package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// sessionJSON renders a session; current marks the caller's own.
func sessionJSON(sess core.Session, current bool) map[string]any {
	methods := sess.AMR
	if methods == nil {
		methods = []string{}
	}
	return map[string]any{
		"id":           sess.ID,
		"created":      formatTime(sess.Created),
		"lastUsed":     formatTime(sess.LastUsed),
		"expires":      formatTime(sess.Expires),
		"ip":           sess.IP,
		"userAgent":    sess.UserAgent,
		"methods":      methods,
		"impersonated": sess.ImpersonatorID != "",
		"current":      current,
	}
}

// handleListSessions answers GET /sessions (the caller's own) and
// GET /records/{id}/sessions (the user itself or a superuser) with a
// PocketBase-style list.
func (s *server) handleListSessions() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p := principal(r)
		userID, err := sessionOwner(r, p, c)
		if err != nil {
			return err
		}
		list, err := s.svc.ListSessions(r.Context(), p, c, userID)
		if err != nil {
			return err
		}
		out := listResponse{Items: make([]map[string]any, 0, len(list)), Page: 1, PerPage: max(len(list), 1),
			TotalItems: len(list), TotalPages: min(len(list), 1)}
		for _, sess := range list {
			out.Items = append(out.Items, sessionJSON(sess, p != nil && sess.ID == p.Session.ID))
		}
		return respond(w, r, http.StatusOK, out)
	})
}

// handleRevokeSession answers DELETE /sessions/{sid} and
// DELETE /records/{id}/sessions/{sid} with 204.
func (s *server) handleRevokeSession() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p := principal(r)
		userID, err := sessionOwner(r, p, c)
		if err != nil {
			return err
		}
		if err := s.svc.RevokeSession(r.Context(), p, c, userID, r.PathValue("sid")); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// sessionOwner is the user whose sessions a route is about: {id} when
// the path has one, else the caller.
func sessionOwner(r *http.Request, p *core.Principal, c *core.Collection) (string, error) {
	if id := r.PathValue("id"); id != "" {
		return id, nil
	}
	if err := core.RequireSameCollection(p, c); err != nil {
		return "", err
	}
	return p.User.ID, nil
}

// handleLogout answers POST /logout, /logout-others and /logout-all with
// 204: the current session, every other one, or all of them.
func (s *server) handleLogout(scope string) http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p, ctx := principal(r), r.Context()
		var err error
		switch scope {
		case "current":
			err = s.svc.Logout(ctx, p, c)
		case "others":
			_, err = s.svc.LogoutOthers(ctx, p, c)
		default:
			_, err = s.svc.LogoutAll(ctx, p, c)
		}
		if err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleUnlock answers POST /records/{id}/unlock (superusers): it lifts a
// lockout before it ends.
func (s *server) handleUnlock() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		if err := s.svc.UnlockUser(r.Context(), principal(r), c, r.PathValue("id")); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}

// handleAuthWithRefreshToken answers POST /auth-with-refresh-token
// {refreshToken}: a new access token and a rotated refresh token, in the
// standard auth answer with meta.refreshToken.
func (s *server) handleAuthWithRefreshToken() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		token := f.str("refreshToken")
		if f.err != nil {
			return f.err
		}
		res, err := s.svc.RefreshWithToken(r.Context(), c, token)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}
