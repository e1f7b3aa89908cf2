package core

import (
	"context"
	"crypto/subtle"
	"fmt"
	"net/url"
	"time"
)

// DefaultOAuth2StateTTL is how long a browser login may take at the
// provider when the surface does not say (Directus's 5 minutes).
const DefaultOAuth2StateTTL = 5 * time.Minute

// The keys of a browser login's state data. A surface's extra values
// may not use them.
const (
	stateProvider = "provider"
	stateValue    = "state"
	stateVerifier = "verifier"
	stateRedirect = "redirect"
)

// OAuth2Begin starts a browser OAuth2 login (BeginOAuth2).
type OAuth2Begin struct {
	Provider string
	// Kind names the surface's state tokens ("directus-oauth2"): a state
	// verifies only as its own kind, so one surface's state is no good at
	// another's callback.
	Kind string
	// CallbackURL is where the provider sends the browser back (its
	// redirect_uri); CompleteOAuth2 must be given the same.
	CallbackURL string
	// Redirect is where the surface sends the browser once logged in,
	// kept in the signed state so a client cannot change it on the way.
	// The surface checks it against its allow-list before.
	Redirect string
	// Extra are the surface's own values kept in the state (Directus's
	// otp), returned by CompleteOAuth2.
	Extra map[string]string
	// TTL is how long the login may take; 0 means
	// DefaultOAuth2StateTTL, and it may not exceed an hour.
	TTL time.Duration
}

// OAuth2Start is where to send the browser, and the state to keep for
// the callback (in an httpapi.StateCookie, for TTL).
type OAuth2Start struct {
	// AuthURL is the provider's authorization URL, redirect_uri included.
	AuthURL string
	// State is the signed state: the value the provider must echo, the
	// PKCE verifier, the redirect and the extra values. It is signed, not
	// encrypted: the browser may read it, and nothing in it is secret
	// once the login is over (the verifier is useless without the code,
	// which only the provider's redirect carries).
	State string
	TTL   time.Duration
}

// BeginOAuth2 starts a browser login with one of c's providers: a fresh
// state, a PKCE verifier and challenge when the provider uses PKCE, all
// signed (SignState) with the redirect and the surface's extra values.
func (s *Service) BeginOAuth2(c *Collection, in OAuth2Begin) (OAuth2Start, error) {
	prov, data, challenge, ttl, err := s.oauthState(c, in)
	if err != nil {
		return OAuth2Start{}, err
	}
	signed, err := s.SignState(in.Kind, data, ttl)
	if err != nil {
		return OAuth2Start{}, err
	}
	return OAuth2Start{
		AuthURL: prov.AuthURL(data[stateValue], challenge) + url.QueryEscape(in.CallbackURL),
		State:   signed, TTL: ttl,
	}, nil
}

// oauthState is the state data of a new browser login: the provider, a
// fresh state value, the PKCE verifier (and the challenge to send) when
// the provider uses PKCE, the redirect and the surface's extra values.
func (s *Service) oauthState(c *Collection, in OAuth2Begin) (prov OAuthProvider, data map[string]string, challenge string, ttl time.Duration, err error) {
	prov, err = c.oauthProvider(in.Provider)
	if err != nil {
		return nil, nil, "", 0, err
	}
	ttl = in.TTL
	if ttl == 0 {
		ttl = DefaultOAuth2StateTTL
	}
	data = make(map[string]string, len(in.Extra)+4)
	for k, v := range in.Extra {
		data[k] = v
	}
	for _, k := range []string{stateProvider, stateValue, stateVerifier, stateRedirect} {
		if _, taken := data[k]; taken {
			return nil, nil, "", 0, Internal(fmt.Errorf("core: oauth2 state: extra value %q is reserved", k))
		}
	}
	data[stateProvider], data[stateValue], data[stateRedirect] = prov.Name(), NewSecret(), in.Redirect
	if prov.PKCE() {
		data[stateVerifier], challenge = NewPKCE()
	}
	return prov, data, challenge, ttl, nil
}

// OAuth2Complete is a browser login's callback (CompleteOAuth2).
type OAuth2Complete struct {
	Provider    string
	Kind        string // as given to BeginOAuth2
	CallbackURL string // as given to BeginOAuth2
	// SignedState is what BeginOAuth2 returned, from the state cookie.
	SignedState string
	// EchoedState, Code and ProviderError are the callback's state, code
	// and error parameters.
	EchoedState, Code, ProviderError string
	// RefreshToken is as for LoginWithOAuth2 (the lifetimes are the
	// profile's).
	RefreshToken bool
	// Session, when set, picks RefreshToken from the verified state
	// instead, for a surface whose kind of session depends on it
	// (Directus: a login with a redirect opens a cookie session, one
	// without a token pair).
	Session func(st OAuth2State) (refreshToken bool)
}

// OAuth2State is what a verified state said besides the provider's
// state and the PKCE verifier, which only core reads.
type OAuth2State struct {
	Redirect string
	Extra    map[string]string
}

// OAuth2Completion is the outcome of a browser login's callback.
type OAuth2Completion struct {
	Result AuthResult
	Meta   OAuth2Meta
	// Verified reports that the state was ours and matched the callback.
	// State is read from it, so it is set only then, on failures after
	// the check as well (the surface may send the browser back to the
	// redirect with the reason).
	Verified bool
	State    OAuth2State
}

// CompleteOAuth2 finishes a browser login at the provider's callback. The
// signed state must be ours, of this kind, unexpired and for this
// provider, and the state the provider echoed must equal it (compared in
// constant time): otherwise the error is CodeStateInvalid. It is the
// surface's job to make a state single use, by deleting its cookie
// (httpapi.StateCookie.Take). A provider error or a missing code then
// fails with CodeOAuthFailed; a code is exchanged through
// LoginWithOAuth2, whose result and errors (an MFA challenge included)
// are returned as they are.
func (s *Service) CompleteOAuth2(ctx context.Context, c *Collection, in OAuth2Complete) (OAuth2Completion, error) {
	prov, err := c.oauthProvider(in.Provider)
	if err != nil {
		return OAuth2Completion{}, err
	}
	data, err := s.VerifyState(in.Kind, in.SignedState)
	if err != nil || data[stateProvider] != prov.Name() || in.EchoedState == "" ||
		subtle.ConstantTimeCompare([]byte(in.EchoedState), []byte(data[stateValue])) != 1 {
		return OAuth2Completion{}, errStateInvalid
	}
	return s.completeOAuth2(ctx, c, prov, in, data)
}

// completeOAuth2 finishes a browser login whose state data was verified.
func (s *Service) completeOAuth2(ctx context.Context, c *Collection, prov OAuthProvider, in OAuth2Complete, data map[string]string) (OAuth2Completion, error) {
	out := OAuth2Completion{Verified: true, State: OAuth2State{Redirect: data[stateRedirect], Extra: map[string]string{}}}
	for k, v := range data {
		switch k {
		case stateProvider, stateValue, stateVerifier, stateRedirect:
		default:
			out.State.Extra[k] = v
		}
	}
	if in.ProviderError != "" || in.Code == "" {
		return out, errOAuthFailed // the provider refused, or the user cancelled
	}
	refresh := in.RefreshToken
	if in.Session != nil {
		refresh = in.Session(out.State)
	}
	var err error
	out.Result, out.Meta, err = s.LoginWithOAuth2(ctx, c, nil, OAuth2Login{
		Provider: prov.Name(), Code: in.Code, CodeVerifier: data[stateVerifier], RedirectURL: in.CallbackURL,
		RefreshToken: refresh,
	})
	return out, err
}

// oauthProvider returns c's provider with this name, refusing it as
// LoginWithOAuth2 does when OAuth2 is off or the provider unknown.
func (c *Collection) oauthProvider(name string) (OAuthProvider, error) {
	if !c.OAuth2.Enabled {
		return nil, NewError(KindForbidden, CodeOAuthDisabled)
	}
	if p, ok := c.OAuth2.Provider(name); ok {
		return p, nil
	}
	return nil, Invalid(map[string]FieldError{"provider": {
		Code: FieldInvalidProvider, Params: map[string]any{"provider": truncate(name, 100)}}})
}
