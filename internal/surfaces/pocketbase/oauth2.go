package pocketbase

import (
	"crypto/rand"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// providerInfo is one provider in auth-methods; field order is
// PocketBase's wire order. authUrl is its pre-0.23 spelling.
type providerInfo struct {
	Name                string `json:"name"`
	DisplayName         string `json:"displayName"`
	State               string `json:"state"`
	AuthURL             string `json:"authURL"`
	AuthURLLegacy       string `json:"authUrl"`
	CodeVerifier        string `json:"codeVerifier"`
	CodeChallenge       string `json:"codeChallenge"`
	CodeChallengeMethod string `json:"codeChallengeMethod"`
}

const stateAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// providerInfos builds the collection's provider list with a fresh state
// and PKCE pair each. As in PocketBase the server keeps neither: the
// client holds the verifier and checks the state itself.
func providerInfos(c *core.Collection) []providerInfo {
	out := []providerInfo{}
	if !c.OAuth2.Enabled {
		return out
	}
	for _, p := range c.OAuth2.Providers {
		info := providerInfo{Name: p.Name(), DisplayName: p.DisplayName(), State: randomText(30)}
		if p.PKCE() {
			info.CodeVerifier, info.CodeChallenge = core.NewPKCE()
			info.CodeChallengeMethod = "S256"
		}
		info.AuthURL = p.AuthURL(info.State, info.CodeChallenge)
		info.AuthURLLegacy = info.AuthURL
		out = append(out, info)
	}
	return out
}

// randomText returns n uniformly random letters and digits (rejection
// sampling: no character is likelier than another).
func randomText(n int) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(stateAlphabet)
	buf := make([]byte, n+n/2)
	for len(out) < n {
		rand.Read(buf)
		for _, b := range buf {
			if int(b) < limit && len(out) < n {
				out = append(out, stateAlphabet[int(b)%len(stateAlphabet)])
			}
		}
	}
	return string(out)
}

// oauthMeta is PocketBase's meta object of an OAuth2 login.
func oauthMeta(m core.OAuth2Meta) map[string]any {
	expiry := ""
	if !m.User.Expiry.IsZero() {
		expiry = formatTime(m.User.Expiry)
	}
	return map[string]any{
		"id": m.User.ID, "name": m.User.Name, "username": m.User.Username, "email": m.User.Email,
		"avatarURL": m.User.AvatarURL, "avatarUrl": m.User.AvatarURL, "isNew": m.IsNew,
		"accessToken": m.User.AccessToken, "refreshToken": m.User.RefreshToken, "expiry": expiry,
		"rawUser": m.User.Raw, // a nil map encodes as null, as PocketBase's does
	}
}

// handleAuthWithOAuth2 answers POST /auth-with-oauth2 {provider, code,
// codeVerifier, redirectURL, createData?, mfaId?}. A signed-in caller of
// the same collection links the provider account to itself.
func (s *server) handleAuthWithOAuth2() http.Handler {
	return s.collectionRoute(msgNoCollection, msgLoad, func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		if !c.OAuth2.Enabled {
			// PocketBase refuses before reading the body.
			return core.NewError(core.KindForbidden, core.CodeOAuthDisabled)
		}
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		in := core.OAuth2Login{
			Provider: f.str("provider"), Code: f.str("code"), CodeVerifier: f.str("codeVerifier"),
			RedirectURL: f.str("redirectURL"), MFAID: mfaID(r, f),
			RefreshToken: r.URL.Query().Get("withRefreshToken") == "true",
		}
		if in.RedirectURL == "" {
			in.RedirectURL = f.str("redirectUrl") // pre-0.23 spelling
		}
		create, _, cerr := f.fields.Object("createData")
		if f.err != nil {
			return f.err
		}
		if cerr != nil {
			return cerr
		}
		if create != nil {
			cf := &form{fields: create}
			in.Name, in.EmailVisibility = cf.strPtr("name"), cf.boolPtr("emailVisibility")
			if cf.err != nil {
				return cf.err
			}
		}
		res, meta, err := s.svc.LoginWithOAuth2(r.Context(), c, principal(r), in)
		if err != nil {
			return err
		}
		out := authJSON(res)
		m := oauthMeta(meta)
		if out.Meta != nil {
			// Gatehouse's own refresh token takes meta.refreshToken when
			// asked for; the provider's moves aside.
			m["providerRefreshToken"] = m["refreshToken"]
			m["refreshToken"], m["refreshTokenExpires"] = out.Meta.RefreshToken, out.Meta.RefreshTokenExpires
		}
		return respond(w, r, http.StatusOK, oauthAuthResponse{Meta: m, Record: out.record(), Token: out.Token})
	})
}

// oauthAuthResponse is the OAuth2 auth answer: meta first, as in
// PocketBase.
type oauthAuthResponse struct {
	Meta   map[string]any `json:"meta"`
	Record map[string]any `json:"record"`
	Token  string         `json:"token"`
}
