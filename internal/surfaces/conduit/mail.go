package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// This file holds the mailed flows' handlers: forgot and reset password,
// email verification (link and code), change password, change email and
// its confirmation hook.

// handleForgotPassword answers POST /authentication/forgot-password.
func (s *server) handleForgotPassword(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleResetPassword answers POST /authentication/reset-password.
func (s *server) handleResetPassword(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleResendVerification answers POST
// /authentication/local/resend-verification.
func (s *server) handleResendVerification(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleVerifyEmailCode answers POST /authentication/local/verify-email.
func (s *server) handleVerifyEmailCode(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleVerifyEmailHook answers GET
// /hook/authentication/verify-email/{verificationToken}.
func (s *server) handleVerifyEmailHook(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}

// handleChangePassword answers POST /authentication/local/change-password.
func (s *server) handleChangePassword(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleChangeEmail answers POST /authentication/local/change-email.
func (s *server) handleChangeEmail(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleVerifyChangeEmailHook answers GET
// /hook/authentication/verify-change-email/{verificationToken}.
func (s *server) handleVerifyChangeEmailHook(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}
