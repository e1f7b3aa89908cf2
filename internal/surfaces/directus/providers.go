package directus

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// providerItem is one SSO provider in GET /auth, in Directus's key order.
type providerItem struct {
	Name   string `json:"name"`
	Label  string `json:"label"`
	Driver string `json:"driver"`
	Icon   string `json:"icon"`
}

// providersBody is GET /auth's answer: the list, plus whether the
// built-in email and password login is off.
type providersBody struct {
	Data           []providerItem `json:"data"`
	DisableDefault bool           `json:"disableDefault"`
}

// handleProviders answers GET /auth with the bound collection's OAuth2
// providers. Every provider logs in in session mode, so ?sessionOnly
// leaves the list as it is.
func (s *server) handleProviders() http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		out := providersBody{Data: []providerItem{}, DisableDefault: !s.c.PasswordAuth}
		for _, p := range s.providers() {
			// Directus's default icon; core's providers do not say
			// whether they speak OpenID Connect, so all read as oauth2.
			out.Data = append(out.Data, providerItem{Name: p.Name(), Label: p.DisplayName(), Driver: "oauth2", Icon: "account_circle"})
		}
		return httpapi.WriteJSON(w, http.StatusOK, out)
	})
}

// providers returns the collection's providers when OAuth2 is on.
func (s *server) providers() []core.OAuthProvider {
	if !s.c.OAuth2.Enabled {
		return nil
	}
	return s.c.OAuth2.Providers
}

// provider returns the provider named in the path, or ROUTE_NOT_FOUND:
// Directus only has routes for the providers it is configured with.
func (s *server) provider(r *http.Request) (core.OAuthProvider, error) {
	if s.c.OAuth2.Enabled {
		if p, ok := s.c.OAuth2.Provider(r.PathValue("provider")); ok {
			return p, nil
		}
	}
	return nil, errRouteNotFound(r.URL.Path)
}
