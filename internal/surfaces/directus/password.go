package directus

import (
	"context"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handlePasswordRequest answers POST /auth/password/request {email,
// reset_url?} with 204 whether or not the address has an account (core
// pads it to LoginStall). The mail links to reset_url (when the allow
// list admits it) or PublicURL/admin/reset-password, with ?token=<token>.
func (s *server) handlePasswordRequest() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if err := s.passwordRequest(r); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

func (s *server) passwordRequest(r *http.Request) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.str("email")
	if err != nil {
		return err
	}
	resetURL, err := b.str("reset_url")
	if err != nil {
		return err
	}
	return s.requestReset(r.Context(), email, resetURL)
}

// requestReset mails a reset link, for POST /auth/password/request and
// auth_password_request alike.
func (s *server) requestReset(ctx context.Context, email, resetURL string) error {
	if email == "" {
		return errInvalidPayload(`"email" field is required`)
	}
	link, ok := s.mailLink(resetURL, resetPath, s.opt.PasswordResetURLAllowList)
	if !ok {
		return errInvalidPayload(`URL "` + clip(resetURL) + `" can't be used to reset passwords`)
	}
	return s.svc.RequestPasswordReset(ctx, s.c, core.MailRequest{Email: email, ActionURL: link})
}

// handlePasswordReset answers POST /auth/password/reset {token,
// password}: 204, no tokens issued. Core burns the token, ends every
// session of the user and lifts a lockout.
func (s *server) handlePasswordReset() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		token, err := b.required("token")
		if err != nil {
			return err
		}
		password, err := b.required("password")
		if err != nil {
			return err
		}
		if err := s.resetPassword(r.Context(), token, password); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// resetPassword sets a new password with a mailed token, for POST
// /auth/password/reset and auth_password_reset alike.
func (s *server) resetPassword(ctx context.Context, token, password string) error {
	if err := nonEmpty("token", token); err != nil {
		return err
	}
	if err := nonEmpty("password", password); err != nil {
		return err
	}
	err := s.svc.ConfirmPasswordReset(ctx, s.c, core.PasswordResetInput{Token: token, Password: password})
	if e := core.AsError(err); err != nil && e.Kind == core.KindInvalid {
		if _, bad := e.Fields["token"]; bad {
			// Invalid, expired, used or another collection's: core does
			// not tell them apart, and neither do we.
			return errInvalidToken()
		}
	}
	return err
}

// clip shortens a client's URL before it is echoed in an error.
func clip(s string) string {
	if len(s) > 200 {
		s = strings.ToValidUTF8(s[:200], "") + "..."
	}
	return s
}
