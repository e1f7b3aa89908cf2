package conduit

import (
	"maps"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleGetUser answers GET /authentication/user with the caller.
func (s *server) handleGetUser(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return s.writeUser(w, r, p, p.User)
}

// writeUser answers with u, the caller p's account as it now is, and
// whether its authenticator app is on (core's TOTP status of p).
func (s *server) writeUser(w http.ResponseWriter, r *http.Request, p *core.Principal, u core.User) error {
	st, err := s.svc.TOTPStatusOf(r.Context(), p, s.c)
	if err != nil {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, userJSON(u, st.Enabled))
}

// handlePatchUser answers PATCH /authentication/user {userData}: the
// fields of userData are merged into the user's profile (a schema
// field's name is skipped, never stored), and the updated user is the
// answer.
func (s *server) handlePatchUser(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	data, present, err := b.object("userData")
	if err != nil {
		return err
	}
	if !present {
		return errUserInput("userData is required")
	}
	profile := maps.Clone(p.User.Profile)
	if profile == nil {
		profile = map[string]any{}
	}
	maps.Copy(profile, userData(data))
	u, err := s.svc.UpdateUser(r.Context(), p, s.c, p.User.ID, core.UserInput{Profile: profile})
	if err != nil {
		return err
	}
	return s.writeUser(w, r, p, u)
}

// handleDeleteUser answers DELETE /authentication/user: the caller's
// account and every session of it end. Core refuses a renewed token
// (sudo mode: the profile's RequireFresh), which reads as Conduit's 403.
func (s *server) handleDeleteUser(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if err := s.svc.DeleteUser(r.Context(), p, s.c, p.User.ID); err != nil {
		return err
	}
	s.clearTokens(w, r)
	return writeResult(w, "LoggedOut")
}

// resultBody is the router's answer to a handler returning a string.
type resultBody struct {
	Result string `json:"result"`
}

// writeResult answers {"result": result}.
func writeResult(w http.ResponseWriter, result string) error {
	return httpapi.WriteJSON(w, http.StatusOK, resultBody{Result: result})
}
