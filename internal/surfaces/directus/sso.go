package directus

import (
	"crypto/subtle"
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

// The SSO state kept in the state cookie.
const (
	stateProvider = "provider"
	stateValue    = "state"
	stateVerifier = "verifier"
	stateRedirect = "redirect"
	stateOTP      = "otp"
)

// ssoCookieName is Directus's state cookie name for a provider.
func ssoCookieName(provider string) string { return "oauth2." + provider }

// callbackURL is where the provider sends the browser back.
func (s *server) callbackURL(provider string) string {
	return s.opt.PublicURL + "/auth/login/" + url.PathEscape(provider) + "/callback"
}

// handleSSOStart answers GET /auth/login/{provider}?redirect=&otp=: it
// keeps the login's state, PKCE verifier, redirect and otp in a signed
// cookie and sends the browser to the provider (302).
//
// The cookie is signed by core (SignState, with the server's token keys)
// so a client can neither forge nor alter it: the state it must echo, the
// redirect it may be sent to afterwards. It is not encrypted: the browser
// may read what it holds, as Directus's own cookie (a signed JWT) lets
// it, and it is HttpOnly so page scripts cannot.
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
		data := map[string]string{stateProvider: prov.Name(), stateValue: core.NewSecret(), stateRedirect: redirect, stateOTP: otp}
		challenge := ""
		if prov.PKCE() {
			data[stateVerifier], challenge = core.NewPKCE()
		}
		signed, err := s.svc.SignState(ssoStateKind, data, ssoStateTTL)
		if err != nil {
			return err
		}
		s.setStateCookie(w, prov.Name(), signed, ssoStateTTL)
		redirectTo(w, prov.AuthURL(data[stateValue], challenge)+url.QueryEscape(s.callbackURL(prov.Name())), http.StatusFound)
		return nil
	})
}

// setStateCookie sets (or, with a negative maxAge, deletes) the state
// cookie. It is always SameSite=Lax: the provider's redirect back is a
// cross-site navigation, on which a Strict cookie would not be sent.
func (s *server) setStateCookie(w http.ResponseWriter, provider, value string, maxAge time.Duration) {
	o := s.cookie
	o.SameSite = http.SameSiteLaxMode
	if maxAge < 0 {
		clearWith(w, ssoCookieName(provider), o)
		return
	}
	setWith(w, ssoCookieName(provider), value, maxAge, o)
}

// readSSOState reads and checks the state cookie of a callback: signed
// by us, unexpired, for this provider, and naming the state the provider
// echoed. Every failure is INVALID_CREDENTIALS, with no redirect (the
// redirect comes from the cookie, so a forged one is never followed).
func (s *server) readSSOState(r *http.Request, prov core.OAuthProvider) (map[string]string, error) {
	raw := cookieValue(r, ssoCookieName(prov.Name()))
	if raw == "" {
		return nil, errInvalidCredentials()
	}
	data, err := s.svc.VerifyState(ssoStateKind, raw)
	if err != nil || data[stateProvider] != prov.Name() {
		return nil, errInvalidCredentials()
	}
	echoed := r.URL.Query().Get("state")
	if echoed == "" || subtle.ConstantTimeCompare([]byte(echoed), []byte(data[stateValue])) != 1 {
		return nil, errInvalidCredentials()
	}
	return data, nil
}
