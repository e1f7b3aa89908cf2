package directus

import (
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
		if !s.opt.PublicRegistration {
			return errForbidden()
		}
		if err := s.register(r); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

func (s *server) register(r *http.Request) error {
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
	verifyURL, err := b.str("verification_url")
	if err != nil {
		return err
	}
	first, err := b.strPtr("first_name")
	if err != nil {
		return err
	}
	last, err := b.strPtr("last_name")
	if err != nil {
		return err
	}
	link, ok := s.mailLink(verifyURL, verifyPath, s.opt.RegisterURLAllowList)
	if !ok {
		return errInvalidPayload(`URL "` + clip(verifyURL) + `" can't be used to verify registered users`)
	}
	in := core.Registration{Email: email, Password: password, ActionURL: link}
	if name := joinName(deref(first), deref(last)); name != "" {
		in.Name = &name
		in.Profile = withNames(nil, first, last)
	}
	return nameErrorOnly(s.svc.Register(r.Context(), s.c, in))
}

// handleVerifyEmail answers GET /users/register/verify-email?token= with
// a redirect, as Directus does: to the user's page in the admin app once
// verified, to the login page when the token is missing or bad.
func (s *server) handleVerifyEmail() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		id, err := s.svc.ConfirmVerification(r.Context(), s.c, r.URL.Query().Get("token"))
		if err != nil {
			switch core.AsError(err).Kind {
			case core.KindInternal, core.KindUnavailable, core.KindRateLimited:
				return err
			}
			redirectTo(w, s.opt.PublicURL+"/admin/login", http.StatusFound)
			return nil
		}
		redirectTo(w, s.opt.PublicURL+"/admin/users/"+id, http.StatusFound)
		return nil
	})
}
