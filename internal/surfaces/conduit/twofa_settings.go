package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// The user's own 2FA settings: enable (sudo) and its confirmation,
// disable (sudo), new back-up codes (sudo). They are served when
// twoFa.enabled (and, for back-up codes, twoFa.backup_codes); the
// second-factor routes of a login are always served, so a user who
// set the app up through another surface can still log in here.

// handleTwoFAEnable answers PUT /authentication/twoFa/enable {method}:
// the QR code of a new authenticator secret as a PNG data URL. Only
// "authenticator" is a method here.
func (s *server) handleTwoFAEnable(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if !s.opt.TwoFA.Enabled {
		return errRouteNotFound()
	}
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	method, err := b.required("method")
	if err != nil {
		return err
	}
	if _, err := b.optional("phoneNumber"); err != nil {
		return err
	}
	if method != methodApp {
		return errInvalid("Method not valid")
	}
	en, err := s.svc.EnrollTOTPFresh(r.Context(), p, s.c)
	switch e := core.AsError(err); {
	case err == nil:
	case e.Code == core.CodeTOTPEnabled:
		return httpapi.WriteJSON(w, http.StatusOK, result{"2FA already enabled"})
	case e.Code == core.CodeTOTPNeedsVerified:
		return errForbidden("You must verify your account to enable 2FA")
	default:
		return err
	}
	qr, err := qrDataURL(en.URL)
	if err != nil {
		return err // a 500: the URL is core's own
	}
	return httpapi.WriteJSON(w, http.StatusOK, result{qr})
}

// handleTwoFAEnableVerify answers POST /authentication/twoFa/enable/verify
// {code}: the first code of the app turns 2FA on.
func (s *server) handleTwoFAEnableVerify(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if !s.opt.TwoFA.Enabled {
		return errRouteNotFound()
	}
	code, err := s.codeParam(r)
	if err != nil {
		return err
	}
	// Core makes recovery codes here too; Conduit's clients get theirs
	// from twoFa/generate, which replaces them.
	if _, err := s.svc.ConfirmTOTP(r.Context(), p, s.c, "", code); err != nil {
		if core.AsError(err).Code == core.CodeTOTPNoEnrollment {
			return errInvalid("2FA is not being enabled")
		}
		return codeError(err, msgCodeWrong, msgCodeFailed)
	}
	return httpapi.WriteJSON(w, http.StatusOK, result{"2FA enabled"})
}

// handleTwoFADisable answers PUT /authentication/twoFa/disable: the app
// and its back-up codes are removed. Disabling what is off answers the
// same.
func (s *server) handleTwoFADisable(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if !s.opt.TwoFA.Enabled {
		return errRouteNotFound()
	}
	err := s.svc.DisableTOTPFresh(r.Context(), p, s.c)
	if err != nil && core.AsError(err).Code != core.CodeTOTPNotEnabled {
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, result{"2FA disabled"})
}

// handleTwoFAGenerate answers GET /authentication/twoFa/generate: 10 new
// back-up codes ("1234 5678"), shown once; the older ones stop working.
func (s *server) handleTwoFAGenerate(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	if !s.opt.TwoFA.Enabled || !s.opt.TwoFA.BackupCodes {
		return errRouteNotFound()
	}
	codes, err := s.svc.RenewRecoveryCodesFresh(r.Context(), p, s.c)
	if err != nil {
		if core.AsError(err).Code == core.CodeTOTPNotEnabled {
			return errInvalid(msgNotEnabled)
		}
		return err
	}
	return httpapi.WriteJSON(w, http.StatusOK, codes)
}
