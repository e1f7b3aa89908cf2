package directus

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// tfaSecret is the answer of POST /users/me/tfa/generate.
type tfaSecret struct {
	Secret     string `json:"secret"`
	OTPAuthURL string `json:"otpauth_url"`
}

// handleTFAGenerate answers POST /users/me/tfa/generate {password} with a
// new pending secret and its otpauth:// URL (core's EnrollTOTP: the
// password is checked, and only a verified account may add an app). A
// wrong password is INVALID_CREDENTIALS.
func (s *server) handleTFAGenerate() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, b, err := s.userAndBody(r)
		if err != nil {
			return err
		}
		password, err := b.required("password")
		if err != nil {
			return err
		}
		sec, err := s.tfaGenerate(r.Context(), p, password)
		if err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, dataBody{Data: sec})
	})
}

// tfaGenerate starts p's enrolment, for REST and users_me_tfa_generate.
func (s *server) tfaGenerate(ctx context.Context, p *core.Principal, password string) (tfaSecret, error) {
	if err := nonEmpty("password", password); err != nil {
		return tfaSecret{}, err
	}
	enr, err := s.svc.EnrollTOTP(ctx, p, s.c, password)
	if e := core.AsError(err); err != nil && e.Fields["password"].Code == core.FieldInvalidPassword {
		return tfaSecret{}, errInvalidCredentials()
	}
	if err != nil {
		return tfaSecret{}, err
	}
	return tfaSecret{Secret: enr.Secret, OTPAuthURL: enr.URL}, nil
}

// handleTFAEnable answers POST /users/me/tfa/enable {secret, otp}: 204.
// The secret must be the pending one, the otp its current code. Core also
// makes recovery codes, which Directus has no way to show.
func (s *server) handleTFAEnable() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, b, err := s.userAndBody(r)
		if err != nil {
			return err
		}
		secret, err := b.required("secret")
		if err != nil {
			return err
		}
		otp, err := b.required("otp")
		if err != nil {
			return err
		}
		if err := s.tfaEnable(r.Context(), p, secret, otp); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// handleTFADisable answers POST /users/me/tfa/disable {otp}: 204. The otp
// may also be one of the user's recovery codes.
func (s *server) handleTFADisable() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, b, err := s.userAndBody(r)
		if err != nil {
			return err
		}
		otp, err := b.required("otp")
		if err != nil {
			return err
		}
		if err := s.tfaDisable(r.Context(), p, otp); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// tfaEnable turns p's pending authenticator app on, for REST and
// users_me_tfa_enable.
func (s *server) tfaEnable(ctx context.Context, p *core.Principal, secret, otp string) error {
	if err := nonEmpty("secret", secret); err != nil {
		return err
	}
	if err := nonEmpty("otp", otp); err != nil {
		return err
	}
	if _, err := s.svc.ConfirmTOTP(ctx, p, s.c, secret, otp); err != nil {
		return otpError(err)
	}
	return nil
}

// tfaDisable turns p's authenticator app off, for REST and
// users_me_tfa_disable.
func (s *server) tfaDisable(ctx context.Context, p *core.Principal, otp string) error {
	if err := nonEmpty("otp", otp); err != nil {
		return err
	}
	if err := s.svc.DisableTOTP(ctx, p, s.c, otp); err != nil {
		return otpError(err)
	}
	return nil
}

// userAndBody returns the caller (which the route requires) and the body.
func (s *server) userAndBody(r *http.Request) (*core.Principal, body, error) {
	p, err := requireUser(r)
	if err != nil {
		return nil, body{}, err
	}
	b, err := s.readBody(r)
	return p, b, err
}

// otpError translates core's TOTP refusals: a wrong code is Directus's
// `"otp" is invalid`; no factor (or one already on) keeps core's words.
func otpError(err error) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeTOTPInvalid:
		return errInvalidPayload(`"otp" is invalid`)
	case e.Kind == core.KindInvalid && e.Fields["code"].Code == core.FieldRequired:
		return errInvalidPayload(`"otp" is required`)
	}
	return err
}
