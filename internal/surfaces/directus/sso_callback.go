package directus

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// callbackData is the JSON answer of a callback without a redirect, in
// Directus's key order.
type callbackData struct {
	AccessToken  string `json:"access_token"`
	RefreshToken string `json:"refresh_token"`
	Expires      int64  `json:"expires"`
}

// handleSSOCallback answers GET /auth/login/{provider}/callback?code=
// &state=. With a redirect (from the state cookie) the login is a
// session-mode one: the session cookie is set and the browser goes to
// the redirect, or on failure to the redirect with ?reason=<CODE>.
// Without one the answer is JSON with both tokens (json mode).
func (s *server) handleSSOCallback() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		prov, err := s.provider(r)
		if err != nil {
			return err
		}
		data, err := s.readSSOState(r, prov)
		if cookieValue(r, ssoCookieName(prov.Name())) != "" {
			s.setStateCookie(w, prov.Name(), "", -1) // single use, whatever the outcome
		}
		if err != nil {
			return err
		}
		redirect := data[stateRedirect]
		m := modeJSON
		if redirect != "" {
			m = modeSession
		}
		res, err := s.ssoLogin(r, prov, data, m)
		switch {
		case err != nil && redirect != "":
			base, _, _ := strings.Cut(redirect, "?")
			code := s.toAPIErrors(r, err)[0].code
			redirectTo(w, base+"?reason="+url.QueryEscape(code), http.StatusFound)
			return nil
		case err != nil:
			return err
		case redirect != "":
			s.setCookie(w, s.opt.SessionCookieName, res.Token, res.AccessTTL)
			redirectTo(w, redirect, http.StatusFound)
			return nil
		}
		return httpapi.WriteJSON(w, http.StatusOK, dataBody{Data: callbackData{
			AccessToken: res.Token, RefreshToken: res.RefreshToken, Expires: res.AccessTTL.Milliseconds(),
		}})
	})
}

// ssoLogin exchanges the provider's code through core, with the otp the
// login started with as second factor when the user has an
// authenticator app.
func (s *server) ssoLogin(r *http.Request, prov core.OAuthProvider, data map[string]string, m mode) (core.AuthResult, error) {
	q := r.URL.Query()
	code := q.Get("code")
	if q.Get("error") != "" || code == "" {
		return core.AuthResult{}, errInvalidCredentials() // the provider refused, or the user cancelled
	}
	res, _, err := s.svc.LoginWithOAuth2(r.Context(), s.c, nil, core.OAuth2Login{
		Provider: prov.Name(), Code: code, CodeVerifier: data[stateVerifier], RedirectURL: s.callbackURL(prov.Name()),
		RefreshToken: m != modeSession,
	})
	if err == nil {
		return res, nil
	}
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeMFARequired:
		return s.secondFactor(r.Context(), e.MFAID, data[stateOTP], m)
	case e.Code == core.CodeOAuthDisabled:
		return core.AuthResult{}, &apiError{status: 403, code: "INVALID_PROVIDER", message: "Invalid provider."}
	case e.Kind == core.KindInvalid || e.Kind == core.KindUnauthenticated || e.Kind == core.KindForbidden:
		// A failed exchange, a provider account that cannot be linked,
		// sign-up closed: Directus reports them all as bad credentials.
		return core.AuthResult{}, errInvalidCredentials()
	}
	return core.AuthResult{}, err
}

// handleSSOCallbackPost answers POST /auth/login/{provider}/callback
// (providers answering with form_post): 303 to the GET callback with the
// same parameters, so the browser sends the SameSite=Lax state cookie.
func (s *server) handleSSOCallbackPost() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, err := s.provider(r); err != nil {
			return err
		}
		f, err := httpapi.DecodeFields(r, httpapi.DecodeOptions{MaxBytes: s.bodyLimit, AllowForm: true})
		if err != nil {
			return err
		}
		vals := url.Values{}
		for _, k := range f.Keys() {
			v, _, err := f.String(k)
			if err != nil {
				return errInvalidPayload(quote(k) + " must be a string")
			}
			vals.Set(k, v)
		}
		// Relative, so it resolves under whatever mount the surface has.
		redirectTo(w, "./callback?"+vals.Encode(), http.StatusSeeOther)
		return nil
	})
}

// redirectTo answers with a redirect to location as given. Unlike
// http.Redirect it never rewrites a relative location against the
// request path, which the server has stripped of the surface's mount.
func redirectTo(w http.ResponseWriter, location string, status int) {
	w.Header().Set("Location", location)
	w.WriteHeader(status)
}
