package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Gatehouse's authenticator-app extension, in PocketBase's style.

// handleAuthWithTOTP answers POST /auth-with-totp {mfaId, code}: the
// second factor of an MFA login, with an authenticator code or a recovery
// code.
func (s *server) handleAuthWithTOTP() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		id, code := mfaID(r, f), f.str("code")
		if f.err != nil {
			return f.err
		}
		res, err := s.svc.LoginWithTOTP(r.Context(), c, core.TOTPLogin{
			MFAID: id, Code: code, RefreshToken: r.URL.Query().Get("withRefreshToken") == "true",
		})
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, authJSON(res))
	})
}

// totpStatusResponse is GET /totp's answer.
type totpStatusResponse struct {
	Enabled           bool `json:"enabled"`
	Pending           bool `json:"pending"`
	RecoveryCodesLeft int  `json:"recoveryCodesLeft"`
}

// handleTOTPStatus answers GET /totp for the caller.
func (s *server) handleTOTPStatus() http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		st, err := s.svc.TOTPStatusOf(r.Context(), principal(r), c)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, totpStatusResponse{Enabled: st.Enabled, Pending: st.Pending, RecoveryCodesLeft: st.RecoveryCodesLeft})
	})
}

// totpEnrollResponse is POST /totp/enroll's answer.
type totpEnrollResponse struct {
	Secret string `json:"secret"`
	URL    string `json:"url"`
}

// handleTOTPEnroll answers POST /totp/enroll {password} with a new
// pending secret and its otpauth:// URL.
func (s *server) handleTOTPEnroll() http.Handler {
	return s.authedForm(func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error {
		password := f.str("password")
		if f.err != nil {
			return f.err
		}
		en, err := s.svc.EnrollTOTP(r.Context(), p, c, password)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, totpEnrollResponse{Secret: en.Secret, URL: en.URL})
	})
}

// recoveryCodesResponse carries recovery codes, shown this once.
type recoveryCodesResponse struct {
	RecoveryCodes []string `json:"recoveryCodes"`
}

// handleTOTPConfirm answers POST /totp/confirm {code} by enabling the
// pending factor; it returns the recovery codes.
func (s *server) handleTOTPConfirm() http.Handler {
	return s.authedForm(func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error {
		code := f.str("code")
		if f.err != nil {
			return f.err
		}
		codes, err := s.svc.ConfirmTOTP(r.Context(), p, c, "", code)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
	})
}

// handleTOTPDisable answers POST /totp/disable {code} with 204.
func (s *server) handleTOTPDisable() http.Handler {
	return s.authedForm(func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error {
		code := f.str("code")
		if f.err != nil {
			return f.err
		}
		if err := s.svc.DisableTOTP(r.Context(), p, c, code); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleRecoveryCodes answers POST /totp/recovery-codes {code} with a new
// set of recovery codes (the old ones stop working).
func (s *server) handleRecoveryCodes() http.Handler {
	return s.authedForm(func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error {
		code := f.str("code")
		if f.err != nil {
			return f.err
		}
		codes, err := s.svc.RegenerateRecoveryCodes(r.Context(), p, c, code)
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, recoveryCodesResponse{RecoveryCodes: codes})
	})
}

// authedForm is a route for the caller's own account: auth is checked
// before the body is read, as PocketBase does.
func (s *server) authedForm(fn func(w http.ResponseWriter, r *http.Request, c *core.Collection, p *core.Principal, f *form) error) http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p := principal(r)
		if err := core.RequireSameCollection(p, c); err != nil {
			return err
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		return fn(w, r, c, p, f)
	})
}
