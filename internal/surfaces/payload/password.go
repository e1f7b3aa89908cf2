package payload

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// handleForgot answers POST <slug>/forgot-password {email}: always
// `{"message":"Success"}` once an email is given, whether or not it has
// an account (core mails a reset link only when it does, and pads the
// answer, so neither the answer nor its timing tells). An address core
// refuses to look up (not an email) gets the same answer, as Payload's
// lookup would simply find nobody; rate limits and outages keep their
// own.
func (s *server) handleForgot(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		email, err := s.readEmail(r)
		if err != nil {
			return err
		}
		if err := s.forgotPassword(r.Context(), sl, email); err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, messageBody{Message: "Success"})
	})
}

// resetAnswer is POST <slug>/reset-password's body.
type resetAnswer struct {
	Message string        `json:"message"`
	Token   string        `json:"token,omitempty"`
	User    orderedObject `json:"user"`
}

// handleReset answers POST <slug>/reset-password {token, password}: it
// sets the password, ends every other session, and logs the user in
// (core.Service.ConfirmPasswordResetLogin), with the token in the
// cookie. A user whose logins need an authenticator app gets the new
// password but no token.
func (s *server) handleReset(sl slug) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		b, err := s.readBody(r)
		if err != nil {
			return err
		}
		if !b.present("token") || !b.present("password") {
			return errMissingData()
		}
		token, err := b.str("token")
		if err != nil {
			return err
		}
		password, err := b.str("password")
		if err != nil {
			return err
		}
		a, err := s.resetPassword(r.Context(), sl, token, password)
		if err != nil {
			return err
		}
		if a.token != "" {
			s.setToken(w, a.token, a.exp, a.ttl)
		}
		return httpapi.WriteJSON(w, http.StatusOK, resetAnswer{Message: "Password reset successfully.", Token: a.token, User: a.user})
	})
}

// forgotPassword is the reset request both routes run: core mails a
// link when email has an account and pads the answer; an address core
// refuses to look up reads as nobody's, as in Payload.
func (s *server) forgotPassword(ctx context.Context, sl slug, email string) error {
	err := s.svc.RequestPasswordReset(ctx, sl.c, core.MailRequest{Email: email, ActionURL: s.resetLink()})
	if err != nil && core.AsError(err).Kind != core.KindInvalid {
		return err
	}
	return nil
}

// resetPassword is the reset both routes run: core sets the password,
// ends the other sessions and logs the user in. The answer's token is
// empty for a user whose logins need an authenticator app (the user is
// then shown as to a stranger: no session of it to show). The caller
// sets the cookie when there is a token.
func (s *server) resetPassword(ctx context.Context, sl slug, token, password string) (authAnswer, error) {
	res, err := s.svc.ConfirmPasswordResetLogin(ctx, sl.c, core.PasswordResetInput{Token: token, Password: password})
	if err != nil {
		return authAnswer{}, resetError(err)
	}
	p := &core.Principal{User: res.User, Collection: sl.c, Session: res.Session}
	if res.Token == "" {
		p = nil // no session: nothing of it to show
	}
	user, err := s.document(ctx, sl, res.User, docOptions{viewer: p})
	if err != nil {
		return authAnswer{}, err
	}
	return authAnswer{user: user, token: res.Token, exp: expOf(res.Token), ttl: res.AccessTTL}, nil
}

// resetError translates a refused reset: a bad, used or expired token
// (and a missing one) is Payload's 403; a password core's policy refuses
// is a ValidationError on `password`.
func resetError(err error) error {
	e := core.AsError(err)
	if e.Kind == core.KindInvalid {
		if _, bad := e.Fields["token"]; bad {
			return errResetToken()
		}
	}
	return err
}
