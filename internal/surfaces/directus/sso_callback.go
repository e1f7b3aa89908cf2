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
// &state=. The state cookie is single use, whatever the outcome. A state
// that does not verify (forged, expired, another provider's, not the
// one echoed) is INVALID_CREDENTIALS, with no redirect: the redirect
// comes from the state, so a forged one is never followed. With a
// redirect the login is a session-mode one: the session cookie is set
// and the browser goes to the redirect, or on failure to the redirect
// with ?reason=<CODE>. Without one the answer is JSON with both tokens
// (json mode).
func (s *server) handleSSOCallback() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		prov, err := s.provider(r)
		if err != nil {
			return err
		}
		q := r.URL.Query()
		done, err := s.svc.CompleteOAuth2(r.Context(), s.c, core.OAuth2Complete{
			Provider: prov.Name(), Kind: ssoStateKind, CallbackURL: s.callbackURL(prov.Name()),
			SignedState: s.state.Take(w, r, prov.Name()),
			EchoedState: q.Get("state"), Code: q.Get("code"), ProviderError: q.Get("error"),
			Session: func(st core.OAuth2State) bool { return ssoMode(st) != modeSession },
		})
		if !done.Verified {
			return errInvalidCredentials()
		}
		redirect := done.State.Redirect
		res, err := s.ssoResult(r, done, err)
		switch {
		case err != nil && redirect != "":
			base, _, _ := strings.Cut(redirect, "?")
			code := s.toAPIErrors(r, err)[0].code
			redirectTo(w, base+"?reason="+url.QueryEscape(code), http.StatusFound)
			return nil
		case err != nil:
			return err
		case redirect != "":
			s.jar.Set(w, s.opt.SessionCookieName, res.Token, res.AccessTTL)
			redirectTo(w, redirect, http.StatusFound)
			return nil
		}
		return httpapi.WriteJSON(w, http.StatusOK, dataBody{Data: callbackData{
			AccessToken: res.Token, RefreshToken: res.RefreshToken, Expires: res.AccessTTL.Milliseconds(),
		}})
	})
}

// ssoMode is the mode of an SSO login: session with a redirect (the
// browser goes back to the app with the session cookie), json without.
func ssoMode(st core.OAuth2State) mode {
	if st.Redirect != "" {
		return modeSession
	}
	return modeJSON
}

// ssoResult translates a verified login's outcome: a second factor is
// asked for with the otp the login started with; every other refusal
// reads as Directus's.
func (s *server) ssoResult(r *http.Request, done core.OAuth2Completion, err error) (core.AuthResult, error) {
	if err == nil {
		return done.Result, nil
	}
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeMFARequired:
		return s.secondFactor(r.Context(), e.MFAID, done.State.Extra[stateOTP], ssoMode(done.State))
	case e.Code == core.CodeOAuthDisabled:
		return core.AuthResult{}, &apiError{status: 403, code: "INVALID_PROVIDER", message: "Invalid provider."}
	case e.Kind == core.KindInvalid || e.Kind == core.KindUnauthenticated || e.Kind == core.KindForbidden:
		// The provider refused or the user cancelled, a failed exchange,
		// a provider account that cannot be linked, sign-up closed:
		// Directus reports them all as bad credentials.
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
