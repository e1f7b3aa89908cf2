package conduit

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file holds the OAuth2 handlers: the authorize URL for a provider,
// and the provider's callback hook. The providers are the bound
// collection's. Conduit hands the authorize URL to a script as JSON, so
// no state cookie can be counted on: the signed state travels through
// the provider and core makes it single use (BeginOAuth2Echoed).

// oauthStateKind names the surface's OAuth2 state tokens for core.
const oauthStateKind = "conduit-oauth2"

// oauthStateTTL is how long a login may take at the provider (Conduit's
// state token lives 10 minutes).
const oauthStateTTL = 10 * time.Minute

// callbackURL is the provider's redirect_uri: Conduit's hook.
func (s *server) callbackURL(provider string) string {
	return s.opt.PublicURL + "/hook/authentication/" + url.PathEscape(provider)
}

// handleOAuthInit answers GET /authentication/init/{provider}
// ?redirectUri=: {"result": "<the provider's authorize URL>"}. A
// redirectUri must pass redirectUris (403: whitelisted_uris, or with
// allow_any any http(s) URL when the tokens go out as cookies, not in
// its query); without one, the hook
// answers the tokens as JSON. scopes[], invitationToken and captchaToken
// are accepted and not used: scopes are the provider's configuration.
func (s *server) handleOAuthInit(w http.ResponseWriter, r *http.Request, _ *core.Principal) error {
	provider := r.PathValue("provider")
	redirect := r.URL.Query().Get("redirectUri")
	if redirect != "" {
		// The hook puts the tokens in the redirect's query unless both go
		// out as cookies: only then may redirect_uris.allow_any admit it.
		carries := !s.cookies.accessOn || !s.cookies.refreshOn
		if _, err := s.redirects().Check(redirect, carries); err != nil {
			return err
		}
	}
	start, err := s.svc.BeginOAuth2Echoed(s.c, core.OAuth2Begin{
		Provider: provider, Kind: oauthStateKind, CallbackURL: s.callbackURL(provider),
		Redirect: redirect, TTL: oauthStateTTL,
	})
	if err != nil {
		return oauthError(err)
	}
	return httpapi.WriteJSON(w, http.StatusOK, result{start.AuthURL})
}

// redirects is the surface's redirect allow list (redirectUris).
func (s *server) redirects() core.RedirectAllowList {
	return core.RedirectAllowList{AllowAny: s.opt.RedirectURIs.AllowAny, URIs: s.opt.RedirectURIs.WhitelistedURIs}
}

// handleOAuthHook answers GET and POST /hook/authentication/{provider}
// with code and state (in the query, or a form for providers that post
// them): 302 to the login's redirectUri with accessToken and
// refreshToken in its query (or cookies), a pending token alone for a
// user with 2FA; without a redirectUri, the tokens as JSON.
func (s *server) handleOAuthHook(w http.ResponseWriter, r *http.Request) error {
	provider := r.PathValue("provider")
	params, err := s.hookParams(r)
	if err != nil {
		return err
	}
	done, err := s.svc.CompleteOAuth2Echoed(r.Context(), s.c, core.OAuth2Complete{
		Provider: provider, Kind: oauthStateKind, CallbackURL: s.callbackURL(provider),
		EchoedState: params["state"], Code: params["code"], ProviderError: params["error"],
		RefreshToken: true,
	})
	if err != nil {
		return oauthError(err)
	}
	if done.State.Redirect == "" {
		return s.writeTokens(w, done.Result, false)
	}
	return s.redirectWithTokens(w, done.State.Redirect, done.Result)
}

// hookParams reads code, state and error from the query (GET) or the
// body (POST: a form, or JSON), each a string of bounded length.
func (s *server) hookParams(r *http.Request) (map[string]string, error) {
	out := map[string]string{}
	keys := []string{"code", "state", "error"}
	if r.Method == http.MethodGet {
		q := r.URL.Query()
		for _, k := range keys {
			out[k] = q.Get(k)
		}
	} else {
		b, err := s.readBody(r)
		if err != nil {
			return nil, err
		}
		for _, k := range keys {
			if out[k], err = b.optional(k); err != nil {
				return nil, err
			}
		}
	}
	for _, k := range keys {
		if len(out[k]) > 8192 {
			return nil, errUserInput(k + " is too long")
		}
	}
	return out, nil
}

// oauthError translates a refused OAuth2 step: OAuth2 off or an unknown
// provider is a route Conduit would not register (404); a state that is
// not ours, expired or used is its "Invalid parameters"; a provider that
// refused, failed, or whose account cannot be used here is 401.
func oauthError(err error) error {
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeOAuthDisabled, e.Fields["provider"].Code == core.FieldInvalidProvider:
		return errRouteNotFound()
	case e.Code == core.CodeStateInvalid:
		return errInvalid("Invalid parameters")
	case e.Code == core.CodeOAuthToken, e.Code == core.CodeOAuthUser, e.Code == core.CodeOAuthFailed:
		return errUnauthorized("OAuth2 authentication failed")
	}
	return err
}
