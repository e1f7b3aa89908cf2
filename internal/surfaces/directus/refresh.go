package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// errNoRefreshToken is the answer to a refresh or logout without a token.
func errNoRefreshToken() *apiError {
	return errInvalidPayload("The refresh token is required in either the payload or cookie")
}

// tokenRequest is what a refresh or logout presents: its mode and the
// token that mode reads (a refresh token in json and cookie modes, the
// session cookie's access token in session mode).
type tokenRequest struct {
	mode  mode
	token string
}

// readTokenRequest resolves the mode as Directus does (the body's mode;
// else json when the body has a refresh_token; else cookie) and reads
// that mode's token. A missing token is a 400.
func (s *server) readTokenRequest(r *http.Request) (tokenRequest, error) {
	b, err := s.readBody(r)
	if err != nil {
		return tokenRequest{}, err
	}
	def := modeCookie
	if b.has("refresh_token") {
		def = modeJSON
	}
	m, err := b.mode(def)
	if err != nil {
		return tokenRequest{}, err
	}
	var bodyToken string
	if m == modeJSON {
		if bodyToken, err = b.str("refresh_token"); err != nil {
			return tokenRequest{}, err
		}
	}
	return s.tokenOf(r, m, bodyToken)
}

// tokenOf reads the token mode m names, for REST and GraphQL alike:
// bodyToken (the body's or argument's refresh_token) in json mode, the
// refresh cookie in cookie mode, the session cookie in session mode. A
// missing token is a 400.
func (s *server) tokenOf(r *http.Request, m mode, bodyToken string) (tokenRequest, error) {
	tr := tokenRequest{mode: m}
	switch m {
	case modeJSON:
		tr.token = bodyToken
	case modeCookie:
		tr.token = s.jar.Value(r, s.opt.RefreshCookieName)
	case modeSession:
		tr.token = s.jar.Value(r, s.opt.SessionCookieName)
	}
	if tr.token == "" {
		return tokenRequest{}, errNoRefreshToken()
	}
	return tr, nil
}

// handleRefresh answers POST /auth/refresh {mode?, refresh_token?}. In
// json and cookie modes the refresh token is rotated through core's
// reuse detection; in session mode the session behind the cookie is
// rotated and the old cookie keeps working for SessionGrace. A locked
// account's sessions refuse to refresh (USER_SUSPENDED) until the lock
// ends.
func (s *server) handleRefresh() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		tr, err := s.readTokenRequest(r)
		if err != nil {
			return err
		}
		res, err := s.refresh(r, tr)
		if err != nil {
			return err
		}
		return s.writeTokens(w, tr.mode, res)
	})
}

// refresh rotates what tr presents, for POST /auth/refresh and
// auth_refresh alike.
func (s *server) refresh(r *http.Request, tr tokenRequest) (core.AuthResult, error) {
	if tr.mode == modeSession {
		p, err := s.sessionPrincipal(r, tr.token)
		if err != nil {
			return core.AuthResult{}, err
		}
		res, err := s.svc.RotateSession(r.Context(), p, s.c)
		if err != nil {
			return core.AuthResult{}, refreshError(err)
		}
		return res, nil
	}
	// Directus kills a rotated token at once, so a second use is a
	// replay at once too (the profile's NoReuseGrace): the session is
	// revoked.
	res, err := s.svc.RefreshWithToken(r.Context(), s.c, tr.token)
	if err != nil {
		return core.AuthResult{}, refreshError(err)
	}
	return res, nil
}

// sessionPrincipal authenticates the session cookie's token: the caller
// itself when the cookie was what authenticated the request.
func (s *server) sessionPrincipal(r *http.Request, token string) (*core.Principal, error) {
	if c := httpapi.CallerFrom(r.Context()); c.Source == httpapi.SourceCookie {
		return c.Principal, nil
	}
	p, err := s.svc.AuthenticateIn(r.Context(), s.c, token)
	if err != nil {
		return nil, tokenError(err)
	}
	return p, nil
}

// refreshError translates a refused refresh: a locked account is
// USER_SUSPENDED; an unknown, expired, revoked or replayed token is
// INVALID_CREDENTIALS.
func refreshError(err error) error {
	if _, ok := asAPIError(err); ok {
		return err
	}
	e := core.AsError(err)
	switch {
	case e.Code == core.CodeAccountLocked:
		return errUserSuspended()
	case e.Kind == core.KindUnauthenticated || e.Kind == core.KindForbidden:
		return errInvalidCredentials()
	}
	return err
}

// handleLogout answers POST /auth/logout {mode?, refresh_token?}: it ends
// the token's session (an unknown token is fine) and clears whichever
// auth cookies the request carried. 204.
func (s *server) handleLogout() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		tr, err := s.readTokenRequest(r)
		if err != nil {
			return err
		}
		if err := s.logout(w, r, tr); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	})
}

// logout ends the session of what tr presents and clears the auth
// cookies r carried (on w), for POST /auth/logout and auth_logout alike.
func (s *server) logout(w http.ResponseWriter, r *http.Request, tr tokenRequest) error {
	var err error
	if tr.mode == modeSession {
		err = s.logoutSession(r, tr.token)
	} else {
		err = s.svc.LogoutRefreshToken(r.Context(), s.c, tr.token)
	}
	if err != nil {
		return err
	}
	s.jar.ClearCarried(w, r)
	return nil
}

// logoutSession ends the session of the session cookie's token. A token
// whose session is already over has nothing left to end.
func (s *server) logoutSession(r *http.Request, token string) error {
	p, err := s.sessionPrincipal(r, token)
	if _, bad := asAPIError(err); bad {
		return nil
	} else if err != nil {
		return err
	}
	err = s.svc.Logout(r.Context(), p, s.c)
	if e := core.AsError(err); err != nil && e.Kind == core.KindNotFound {
		return nil // ended meanwhile
	}
	return err
}
