package conduit

import (
	"net/http"
	"net/url"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// This file writes login-style answers: every flow that ends in a token
// pair (login, renew, magic link, 2FA verify and recover, the OAuth2
// hook) hands it out through here, so the cookie rules are in one place.

// Conduit's token cookies.
const (
	cookieAccess  = "accessToken"
	cookieRefresh = "refreshToken"
)

// tokenCookies are the two token cookies, each with its own attributes
// (Conduit configures accessTokens.cookieOptions and
// refreshTokens.cookieOptions apart), and whether each is on.
type tokenCookies struct {
	access, refresh     httpapi.CookieJar
	accessOn, refreshOn bool
}

// newTokenCookies builds the cookies from the options: HttpOnly, Path
// "/" unless set, Secure as configured (auto: when the public URL is
// https).
func newTokenCookies(o Options) tokenCookies {
	jar := func(name string, t TokenOptions) httpapi.CookieJar {
		ss, _ := httpapi.ParseSameSite(t.Cookie.SameSite) // validated
		return httpapi.CookieJar{Names: []string{name}, Options: httpapi.CookieOptions{
			Secure: t.Cookie.secure(o.PublicURL), Domain: t.Cookie.Domain, Path: t.Cookie.Path, SameSite: ss,
		}}
	}
	return tokenCookies{
		access: jar(cookieAccess, o.AccessTokens), refresh: jar(cookieRefresh, o.RefreshTokens),
		accessOn: o.AccessTokens.SetCookie, refreshOn: o.RefreshTokens.SetCookie,
	}
}

// loginBody is a login-style answer's body, in Conduit's key order.
// What a cookie carries is left out, so with both cookies on it is `{}`
// (or `{"userId":...}` for a login).
type loginBody struct {
	UserID       string `json:"userId,omitempty"`
	AccessToken  string `json:"accessToken,omitempty"`
	RefreshToken string `json:"refreshToken,omitempty"`
}

// deliver sets the cookies the options turn on and returns the tokens
// left for the body. The cookies' Max-Age is the token's lifetime in
// seconds (Conduit v0.16 passes seconds where Express wants
// milliseconds, so its cookies die within seconds: a bug not copied).
func (s *server) deliver(w http.ResponseWriter, res core.AuthResult) loginBody {
	var b loginBody
	if s.cookies.accessOn {
		s.cookies.access.Set(w, cookieAccess, res.Token, res.AccessTTL)
	} else {
		b.AccessToken = res.Token
	}
	if res.RefreshToken == "" {
		return b
	}
	if s.cookies.refreshOn {
		s.cookies.refresh.Set(w, cookieRefresh, res.RefreshToken, time.Until(res.RefreshExpires))
	} else {
		b.RefreshToken = res.RefreshToken
	}
	return b
}

// writeTokens answers a login-style flow with res: the body's tokens
// (and the user's id when withUserID, as a login answers) and the
// cookies.
func (s *server) writeTokens(w http.ResponseWriter, res core.AuthResult, withUserID bool) error {
	b := s.deliver(w, res)
	if withUserID {
		b.UserID = res.User.ID
	}
	return httpapi.WriteJSON(w, http.StatusOK, b)
}

// redirectWithTokens answers a hook that ends a login in the browser
// (magic link, OAuth2): 302 to target with accessToken and refreshToken
// added to its query, except those delivered as cookies. target must
// have passed the redirect allow list.
func (s *server) redirectWithTokens(w http.ResponseWriter, target string, res core.AuthResult) error {
	u, err := url.Parse(target)
	if err != nil {
		return errInvalid("Invalid redirect URI")
	}
	b := s.deliver(w, res)
	q := u.Query()
	if b.AccessToken != "" {
		q.Set("accessToken", b.AccessToken)
	}
	if b.RefreshToken != "" {
		q.Set("refreshToken", b.RefreshToken)
	}
	u.RawQuery = q.Encode()
	w.Header().Set("Location", u.String())
	w.WriteHeader(http.StatusFound)
	return nil
}

// clearTokens clears the token cookies in cookie mode (a logout), or
// those the request carried.
func (s *server) clearTokens(w http.ResponseWriter, r *http.Request) {
	if s.cookies.accessOn {
		s.cookies.access.Clear(w, cookieAccess)
	} else {
		s.cookies.access.ClearCarried(w, r)
	}
	if s.cookies.refreshOn {
		s.cookies.refresh.Clear(w, cookieRefresh)
	} else {
		s.cookies.refresh.ClearCarried(w, r)
	}
}
