package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file holds the guest mailed flows' handlers: forgot and reset
// password, and email verification by link or code. The account's own
// changes (password, email) are in mail_account.go.
//
// Every "mail me" answer is the same whether or not the address has an
// account (core decides what is mailed: nothing for an unknown, verified
// or recently mailed address), so none of them enumerates users, where
// Conduit's resend-verification answers 404, 500 or "wait N seconds".

// Conduit's answers.
const (
	msgForgotSent     = "If the email address is valid, a password reset link will be sent to it."
	msgResetDone      = "Password reset successful"
	msgVerifySent     = "Verification code sent"
	msgVerifiedByCode = "OK"
)

// handleForgotPassword answers POST /authentication/forgot-password
// {email, redirectUri?}: a reset link to <redirectUri or the configured
// default>?reset_token=<token>, and the same answer for every address.
func (s *server) handleForgotPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	redirect, err := b.optional("redirectUri")
	if err != nil {
		return err
	}
	link, err := s.resetLink(redirect)
	if err != nil {
		return err
	}
	if err := s.svc.RequestPasswordReset(r.Context(), s.c, core.MailRequest{Email: email, ActionURL: link}); err != nil {
		return err
	}
	return writeResult(w, msgForgotSent)
}

// handleResetPassword answers POST /authentication/reset-password
// {passwordResetToken, password}. Every session of the user ends; the
// current password is refused as the new one (the profile's
// RefuseSamePassword: 403, Conduit's words).
func (s *server) handleResetPassword(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	token, err := b.required("passwordResetToken")
	if err != nil {
		return err
	}
	password, err := b.required("password")
	if err != nil {
		return err
	}
	err = s.svc.ConfirmPasswordReset(r.Context(), s.c, core.PasswordResetInput{Token: token, Password: password})
	if err != nil {
		return tokenRefusal(err, errInvalid("Invalid parameters"))
	}
	return writeResult(w, msgResetDone)
}

// handleResendVerification answers POST
// /authentication/local/resend-verification {email}: a new link (method
// link) or 4-digit code (method code), at most one per
// local.verification.resend_threshold. Served only with
// local.verification.send_email, as Conduit registers it.
func (s *server) handleResendVerification(w http.ResponseWriter, r *http.Request) error {
	if !s.opt.Local.Verification.SendEmail {
		return errRouteNotFound()
	}
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	if s.opt.Local.Verification.Method == methodCode {
		err = s.svc.RequestVerificationCode(r.Context(), s.c, core.MailRequest{Email: email})
	} else {
		err = s.svc.RequestVerification(r.Context(), s.c, core.MailRequest{Email: email, ActionURL: s.verifyLink()})
	}
	if err != nil {
		return err
	}
	return writeResult(w, msgVerifySent)
}

// handleVerifyEmailCode answers POST /authentication/local/verify-email
// {email, code} with {"result":"OK"}. Served with the code method only.
// A wrong, expired or used code, and an unknown address, read alike
// (400 Invalid verification code); core limits the tries.
func (s *server) handleVerifyEmailCode(w http.ResponseWriter, r *http.Request) error {
	if s.opt.Local.Verification.Method != methodCode {
		return errRouteNotFound()
	}
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	code, err := b.required("code")
	if err != nil {
		return err
	}
	if err := s.svc.ConfirmVerificationCode(r.Context(), s.c, email, code); err != nil {
		return err
	}
	return writeResult(w, msgVerifiedByCode)
}

// handleVerifyEmailHook answers GET
// /hook/authentication/verify-email/{verificationToken}, the mailed
// link: 302 to local.verification.redirect_uri, or, without one, 200
// {"redirect":""} (Conduit v0.16.29's answer). A link opened again after
// it worked still answers so.
func (s *server) handleVerifyEmailHook(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("verificationToken")
	httpapi.HideInLog(r, token)
	if _, err := s.svc.ConfirmVerification(r.Context(), s.c, token); err != nil {
		return tokenRefusal(err, errNotFound("Verification token not found"))
	}
	if to := s.opt.Local.Verification.RedirectURI; to != "" {
		return redirect(w, to)
	}
	return httpapi.WriteJSON(w, http.StatusOK, redirectBody{})
}

// redirectBody is the router's answer to a handler returning an empty
// redirect.
type redirectBody struct {
	Redirect string `json:"redirect"`
}

// redirect answers 302 to to, a URL the operator configured or the
// surface checked.
func redirect(w http.ResponseWriter, to string) error {
	w.Header().Set("Location", to)
	w.WriteHeader(http.StatusFound)
	return nil
}

// tokenRefusal answers a refused one-time token (a field error on
// token: forged, expired, used, another's) with as; every other error
// passes through.
func tokenRefusal(err error, as *apiError) error {
	if _, ok := core.AsError(err).Fields["token"]; ok {
		return as
	}
	return err
}
