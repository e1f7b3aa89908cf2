package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// mode is how a client holds its tokens.
type mode string

// Directus's auth modes.
const (
	// modeJSON returns both tokens in the body.
	modeJSON mode = "json"
	// modeCookie returns the access token in the body and keeps the
	// refresh token in an HttpOnly cookie.
	modeCookie mode = "cookie"
	// modeSession keeps an access token in an HttpOnly cookie; its
	// session is rotated on refresh.
	modeSession mode = "session"
)

// mode returns the body's mode, or def when it has none.
func (b body) mode(def mode) (mode, error) {
	if !b.has("mode") {
		return def, nil
	}
	v, err := b.str("mode")
	if err != nil {
		return "", err
	}
	switch m := mode(v); m {
	case modeJSON, modeCookie, modeSession:
		return m, nil
	}
	return "", errInvalidPayload(`"mode" must be one of [json, cookie, session]`)
}

// tokenData is the data of a login or refresh answer, in Directus's key
// order; each mode leaves out what it keeps in a cookie.
type tokenData struct {
	Expires      int64  `json:"expires"`
	RefreshToken string `json:"refresh_token,omitempty"`
	AccessToken  string `json:"access_token,omitempty"`
}

// writeTokens answers a login or refresh in mode m: `expires` is the
// access token's lifetime in milliseconds; json mode returns both tokens,
// cookie mode sets the refresh cookie, session mode the session cookie.
func (s *server) writeTokens(w http.ResponseWriter, m mode, res core.AuthResult) error {
	return httpapi.WriteJSON(w, http.StatusOK, dataBody{Data: s.issueTokens(w, m, res)})
}

// issueTokens hands out res in mode m, for REST and GraphQL alike: it
// sets the mode's cookie on w and returns the data of the answer.
func (s *server) issueTokens(w http.ResponseWriter, m mode, res core.AuthResult) tokenData {
	data := tokenData{Expires: res.AccessTTL.Milliseconds()}
	switch m {
	case modeJSON:
		data.RefreshToken, data.AccessToken = res.RefreshToken, res.Token
	case modeCookie:
		data.AccessToken = res.Token
		s.jar.Set(w, s.opt.RefreshCookieName, res.RefreshToken, res.RefreshExpires.Sub(s.svc.Now()))
	case modeSession:
		s.jar.Set(w, s.opt.SessionCookieName, res.Token, res.AccessTTL)
	}
	return data
}

// dataBody is Directus's success envelope.
type dataBody struct {
	Data any `json:"data"`
}
