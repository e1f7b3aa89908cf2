package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// This file holds the twoFa handlers: a login's second factor (authorize,
// verify, recover) and the user's own 2FA settings (enable, confirm,
// disable, backup codes).

// handleTwoFAAuthorize answers POST /authentication/twoFa/authorize.
func (s *server) handleTwoFAAuthorize(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFAVerify answers POST /authentication/twoFa/verify.
func (s *server) handleTwoFAVerify(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFARecover answers POST /authentication/twoFa/recover.
func (s *server) handleTwoFARecover(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFAEnable answers PUT /authentication/twoFa/enable.
func (s *server) handleTwoFAEnable(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFAEnableVerify answers POST /authentication/twoFa/enable/verify.
func (s *server) handleTwoFAEnableVerify(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFADisable answers PUT /authentication/twoFa/disable.
func (s *server) handleTwoFADisable(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleTwoFAGenerate answers GET /authentication/twoFa/generate.
func (s *server) handleTwoFAGenerate(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}
