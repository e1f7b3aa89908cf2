package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// mfaID reads the MFA challenge id a second factor completes: PocketBase
// takes it from the query (where its SDK puts unknown options) or the
// body.
func mfaID(r *http.Request, f *form) string {
	if id := r.URL.Query().Get("mfaId"); id != "" {
		return id
	}
	return f.str("mfaId")
}

// otpResponse is request-otp's answer.
type otpResponse struct {
	OTPID string `json:"otpId"`
}

// handleRequestOTP answers POST /request-otp {email} with {"otpId"}, a
// random one for an unknown address.
func (s *server) handleRequestOTP() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		email := f.str("email")
		if f.err != nil {
			return f.err
		}
		id, err := s.svc.RequestOTP(r.Context(), c, email)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, otpResponse{OTPID: id})
	})
}

// handleAuthWithOTP answers POST /auth-with-otp {otpId, password, mfaId?}.
func (s *server) handleAuthWithOTP() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		in := core.OTPLogin{
			OTPID: f.str("otpId"), Code: f.str("password"), MFAID: mfaID(r, f),
			RefreshToken: r.URL.Query().Get("withRefreshToken") == "true",
		}
		if f.err != nil {
			return f.err
		}
		res, err := s.svc.LoginWithOTP(r.Context(), c, in)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}
