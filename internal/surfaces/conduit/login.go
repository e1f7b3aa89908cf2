package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleLogin answers POST /authentication/local {email, password,
// captchaToken?} with {userId, accessToken, refreshToken} (or cookies).
// An unknown email and a wrong password get the same 401; core's rate
// limits and lockout apply (a locked account reads as a wrong password),
// and with clients.multiple_user_sessions off the login ends the user's
// other sessions (the profile's SingleSession).
func (s *server) handleLogin(w http.ResponseWriter, r *http.Request) error {
	b, err := s.readBody(r)
	if err != nil {
		return err
	}
	email, err := b.email("email")
	if err != nil {
		return err
	}
	password, err := b.required("password")
	if err != nil {
		return err
	}
	if _, err := b.optional("captchaToken"); err != nil {
		return err
	}
	res, err := s.svc.LoginWithPassword(r.Context(), s.c, core.PasswordLogin{
		Identity: email, IdentityField: "email", Password: password, RefreshToken: true,
	})
	if err != nil {
		return loginError(err)
	}
	return s.writeTokens(w, res, !res.Pending) // a pending login: the token alone
}

// loginError translates a refused login: every refusal of the
// credentials (unknown, wrong, locked, too long to check) is Conduit's
// 401; an unverified user where verification is required its 403; rate
// limits and outages keep their own answers.
func loginError(err error) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeEmailNotVerified:
		return err
	case e.Kind == core.KindUnauthenticated, e.Kind == core.KindInvalid:
		return errUnauthorized("Invalid login credentials")
	}
	return err
}
