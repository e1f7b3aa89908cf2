package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// tokenRule is where PocketBase reads a token: the Authorization header
// only, a raw token or one with a case-insensitive "Bearer " prefix.
// Tokens are never read from cookies or the query string.
var tokenRule = httpapi.TokenRule{Schemes: []string{"Bearer"}, Raw: true}

// loadAuth authenticates every request. As in PocketBase, a bad, expired
// or revoked token is ignored and the request continues as a guest;
// routes that need auth then answer 401. Only a failure to check the
// token (the store is down) stops the request.
func (s *server) loadAuth(next http.Handler) http.Handler {
	return httpapi.LoadAuth(httpapi.AuthOptions{
		Tokens: tokenRule, Service: s.svc, GuestOnRefusal: true,
		OnError: func(w http.ResponseWriter, r *http.Request, err error, _ httpapi.TokenSource) {
			s.renderer("").Render(w, r, err)
		},
	})(next)
}

// principal returns the authenticated caller, or nil for a guest.
func principal(r *http.Request) *core.Principal {
	return httpapi.CallerFrom(r.Context()).Principal
}
