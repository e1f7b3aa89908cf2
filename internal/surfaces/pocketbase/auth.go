package pocketbase

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

type principalKey struct{}

// loadAuth reads the Authorization header (a raw token, or one with a
// case-insensitive "Bearer " prefix) on every request. As in PocketBase,
// a bad, expired or revoked token is ignored and the request continues as
// a guest; routes that need auth then answer 401. Tokens are never read
// from cookies or the query string.
func (s *server) loadAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every flow reads the client (for sessions, rate limits and
		// the audit log) from the context. The request is copied with
		// its new context once, when the caller is known (a copy per
		// value would cost every request twice).
		ctx := core.WithClient(r.Context(), core.Client{
			IP: httpapi.ClientIPFrom(r.Context()), UserAgent: r.UserAgent(),
		})
		token := strings.TrimSpace(r.Header.Get("Authorization"))
		if len(token) > 7 && strings.EqualFold(token[:7], "bearer ") {
			token = strings.TrimSpace(token[7:])
		}
		if token == "" {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		p, err := s.svc.Authenticate(ctx, token)
		if err != nil {
			var ce *core.Error
			if errors.As(err, &ce) && ce.Kind == core.KindUnauthenticated {
				next.ServeHTTP(w, r.WithContext(ctx)) // guest
				return
			}
			s.renderer("").Render(w, r.WithContext(ctx), err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, principalKey{}, p)))
	})
}

// principal returns the authenticated caller, or nil for a guest.
func principal(r *http.Request) *core.Principal {
	p, _ := r.Context().Value(principalKey{}).(*core.Principal)
	return p
}
