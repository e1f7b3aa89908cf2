package payload

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// strategy is what Payload calls its JWT authentication, on every user
// it authenticates (`_strategy`) and in me and refresh answers.
const strategy = "local-jwt"

// loadAuth authenticates every request before routing, as Payload's
// jwtOrder does: `Authorization: JWT <token>`, else `Bearer <token>`,
// else the `payload-token` cookie. A token that is expired, forged or
// whose session ended makes the request a guest's (Payload answers such
// a request as anonymous); routes that need a user answer for
// themselves. A failure to check a token (the store is down) is no
// verdict on it and fails the request.
func (s *server) loadAuth(next http.Handler) http.Handler {
	return httpapi.LoadAuth(httpapi.AuthOptions{
		Tokens:         httpapi.TokenRule{Schemes: []string{"JWT", "Bearer"}, Cookie: s.opt.CookieName()},
		Service:        s.svc,
		GuestOnRefusal: true,
		OnError: func(w http.ResponseWriter, r *http.Request, err error, _ httpapi.TokenSource) {
			s.renderError(w, r, err)
		},
	})(next)
}

// caller returns the authenticated user of sl's collection, or nil for
// a guest or a user of another collection.
func caller(r *http.Request, sl slug) *core.Principal {
	p := httpapi.CallerFrom(r.Context()).Principal
	if p == nil || p.Collection.ID != sl.c.ID {
		return nil
	}
	return p
}

// anyCaller returns the authenticated user of any collection, or nil.
func anyCaller(r *http.Request) *core.Principal {
	return httpapi.CallerFrom(r.Context()).Principal
}
