package directus

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// ssoStateTTL is how long an SSO login may take at the provider
// (Directus: 5 minutes).
const ssoStateTTL = 5 * time.Minute

// ssoStateKind names the surface's SSO state tokens for core.
const ssoStateKind = "directus-oauth2"

// stateOTP is the surface's own value in the SSO state: the otp the
// login started with, the second factor of a user with an authenticator
// app.
const stateOTP = "otp"

// callbackURL is where the provider sends the browser back.
func (s *server) callbackURL(provider string) string {
	return s.opt.PublicURL + "/auth/login/" + url.PathEscape(provider) + "/callback"
}

// handleSSOStart answers GET /auth/login/{provider}?redirect=&otp=: core
// signs the login's state, PKCE verifier, redirect and otp
// (BeginOAuth2), which go into the state cookie, and the browser goes to
// the provider (302).
//
// The state is signed so a client can neither forge nor alter it: the
// state it must echo, the redirect it may be sent to afterwards. It is
// not encrypted: the browser may read what it holds, as Directus's own
// cookie (a signed JWT) lets it, and it is HttpOnly so page scripts
// cannot.
func (s *server) handleSSOStart() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		prov, err := s.provider(r)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		redirect := q.Get("redirect")
		if redirect != "" && !s.redirectAllowed(redirect) {
			return errInvalidPayload(`URL "` + clip(redirect) + `" can't be used to redirect after login`)
		}
		otp := q.Get("otp")
		if len(otp) > 64 {
			return errInvalidPayload(`"otp" length must be less than or equal to 64 characters long`)
		}
		start, err := s.svc.BeginOAuth2(s.c, core.OAuth2Begin{
			Provider: prov.Name(), Kind: ssoStateKind, CallbackURL: s.callbackURL(prov.Name()),
			Redirect: redirect, Extra: map[string]string{stateOTP: otp}, TTL: ssoStateTTL,
		})
		if err != nil {
			return err
		}
		s.state.Set(w, prov.Name(), start.State, start.TTL)
		redirectTo(w, start.AuthURL, http.StatusFound)
		return nil
	})
}
