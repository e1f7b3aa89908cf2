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
		m, res, err := s.login(r)
		if err != nil {
			return err
		}
		return s.writeTokens(w, m, res)
	})
}

// login reads the body and logs in; mode defaults to json.
func (s *server) login(r *http.Request) (mode, core.AuthResult, error) {
	b, err := s.readBody(r)
	if err != nil {
		return "", core.AuthResult{}, err
	}
	email, err := b.email("email")
	if err != nil {
		return "", core.AuthResult{}, err
	}
	password, err := b.required("password")
	if err != nil {
		return "", core.AuthResult{}, err
	}
	m, err := b.mode(modeJSON)
	if err != nil {
		return "", core.AuthResult{}, err
	}
	otp, err := b.str("otp")
	if err != nil {
		return "", core.AuthResult{}, err
	}
	res, err := s.svc.LoginWithPassword(r.Context(), s.c, core.PasswordLogin{
		Identity: email, IdentityField: "email", Password: password, RefreshToken: m != modeSession,
	})
	if err == nil {
		return m, res, nil
	}
	if e := core.AsError(err); e.Code == core.CodeMFARequired {
		res, err = s.secondFactor(r.Context(), e.MFAID, otp, m)
		return m, res, err
	}
	return m, res, loginError(err)
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
