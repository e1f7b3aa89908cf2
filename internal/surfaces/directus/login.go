package directus

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleLogin answers POST /auth/login {email, password, mode?, otp?}.
// Core pads the login, success or failure, to LoginStall (the surface's
// profile).
func (s *server) handleLogin() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		in, err := s.readLogin(r)
		if err != nil {
			return err
		}
		res, err := s.logIn(r.Context(), in)
		if err != nil {
			return err
		}
		return s.writeTokens(w, in.mode, res)
	})
}

// loginInput is a login, from a REST body or auth_login's arguments.
type loginInput struct {
	email, password, otp string
	mode                 mode
}

// readLogin reads a login body; mode defaults to json.
func (s *server) readLogin(r *http.Request) (loginInput, error) {
	var in loginInput
	b, err := s.readBody(r)
	if err != nil {
		return in, err
	}
	if in.email, err = b.email("email"); err != nil {
		return in, err
	}
	if in.password, err = b.required("password"); err != nil {
		return in, err
	}
	if in.mode, err = b.mode(modeJSON); err != nil {
		return in, err
	}
	in.otp, err = b.str("otp")
	return in, err
}

// logIn logs in, for POST /auth/login and auth_login alike: the
// password, then the otp when the user has an authenticator app.
func (s *server) logIn(ctx context.Context, in loginInput) (core.AuthResult, error) {
	if err := validEmail("email", in.email); err != nil {
		return core.AuthResult{}, err
	}
	if err := nonEmpty("password", in.password); err != nil {
		return core.AuthResult{}, err
	}
	res, err := s.svc.LoginWithPassword(ctx, s.c, core.PasswordLogin{
		Identity: in.email, IdentityField: "email", Password: in.password, RefreshToken: in.mode != modeSession,
	})
	if err == nil {
		return res, nil
	}
	if e := core.AsError(err); e.Code == core.CodeMFARequired {
		return s.secondFactor(ctx, e.MFAID, in.otp, in.mode)
	}
	return res, loginError(err)
}

// secondFactor completes a login of a user with an authenticator app:
// Directus takes the code in the same request, as `otp`.
func (s *server) secondFactor(ctx context.Context, mfaID, otp string, m mode) (core.AuthResult, error) {
	if otp == "" {
		return core.AuthResult{}, errInvalidOTP()
	}
	res, err := s.svc.LoginWithTOTP(ctx, s.c, core.TOTPLogin{MFAID: mfaID, Code: otp, RefreshToken: m != modeSession})
	if err != nil {
		switch core.AsError(err).Kind {
		case core.KindInvalid, core.KindUnauthenticated:
			return core.AuthResult{}, errInvalidOTP()
		}
		return core.AuthResult{}, err
	}
	return res, nil
}

// loginError translates a failed first factor. Every refusal is
// INVALID_CREDENTIALS: an unknown address, a wrong password, a locked
// account (no Retry-After, which would reveal the lock and so the
// account), a password core refuses to even check (over its length cap)
// and a collection without password logins. Rate limits and outages keep
// their own answers.
func loginError(err error) error {
	switch core.AsError(err).Kind {
	case core.KindUnauthenticated, core.KindInvalid, core.KindForbidden:
		return errInvalidCredentials()
	}
	return err
}
