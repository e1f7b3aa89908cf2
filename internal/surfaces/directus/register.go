package directus

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// handleRegister answers POST /users/register {email, password,
// verification_url?, first_name?, last_name?} with 204, for a new address
// and a registered one alike (core's Register does nothing for the
// latter), padded by core to RegisterStall. The new user is unverified until it
// follows the mailed link: verification_url when the allow list admits
// it, else PublicURL/users/register/verify-email, with ?token=<token>.
// The names are kept as given in the profile document, and joined into
// the user's name.
func (s *server) handleRegister() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if !s.opt.PublicRegistration { // before the body is read, as Directus
			return errForbidden()
		}
		in, err := s.readRegistration(r)
		if err != nil {
			return err
		}
		if err := s.register(r.Context(), in); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// registration is a sign-up, from a REST body or users_register's
// arguments.
type registration struct {
	email, password, verifyURL string
	first, last                *string
}

func (s *server) readRegistration(r *http.Request) (registration, error) {
	var in registration
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
	if in.verifyURL, err = b.str("verification_url"); err != nil {
		return in, err
	}
	if in.first, err = b.strPtr("first_name"); err != nil {
		return in, err
	}
	in.last, err = b.strPtr("last_name")
	return in, err
}

// register signs a user up, for POST /users/register and users_register
// alike.
func (s *server) register(ctx context.Context, in registration) error {
	if !s.opt.PublicRegistration {
		return errForbidden()
	}
	if err := validEmail("email", in.email); err != nil {
		return err
	}
	if err := nonEmpty("password", in.password); err != nil {
		return err
	}
	link, ok := s.mailLink(in.verifyURL, verifyPath, s.opt.RegisterURLAllowList)
	if !ok {
		return errInvalidPayload(`URL "` + clip(in.verifyURL) + `" can't be used to verify registered users`)
	}
	reg := core.Registration{Email: in.email, Password: in.password, ActionURL: link}
	if name := joinName(deref(in.first), deref(in.last)); name != "" {
		reg.Name = &name
		reg.Profile = withNames(nil, in.first, in.last)
	}
	return nameErrorOnly(s.svc.Register(ctx, s.c, reg))
}

// verifyRegistration verifies the user a mailed token names and returns
// its id, for GET /users/register/verify-email and users_register_verify
// alike. A token that is missing, bad, expired or used is INVALID_TOKEN;
// failures to check it keep their own answers.
func (s *server) verifyRegistration(ctx context.Context, token string) (string, error) {
	id, err := s.svc.ConfirmVerification(ctx, s.c, token)
	if err != nil {
		switch core.AsError(err).Kind {
		case core.KindInternal, core.KindUnavailable, core.KindRateLimited:
			return "", err
		}
		return "", errInvalidToken()
	}
	return id, nil
}

// handleVerifyEmail answers GET /users/register/verify-email?token= with
// a redirect, as Directus does: to the user's page in the admin app once
// verified, to the login page when the token is missing or bad.
func (s *server) handleVerifyEmail() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := s.verifyRegistration(r.Context(), r.URL.Query().Get("token"))
		if _, bad := asAPIError(err); bad {
			redirectTo(w, s.opt.PublicURL+"/admin/login", http.StatusFound)
			return nil
		} else if err != nil {
			return err
		}
		redirectTo(w, s.opt.PublicURL+"/admin/users/"+id, http.StatusFound)
		return nil
	})
}
