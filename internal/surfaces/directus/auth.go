package directus

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// tokenSource says where a request's access token came from.
type tokenSource int

const (
	sourceNone tokenSource = iota
	sourceQuery
	sourceHeader
	sourceCookie
)

// caller is the authenticated user of a request and where its token
// came from.
type caller struct {
	p      *core.Principal
	source tokenSource
}

type callerKey struct{}

// loadAuth authenticates every request before routing, as Directus's
// global middleware does: the token comes from ?access_token=, else an
// `Authorization: Bearer` header, else the session cookie. Query and
// header together are refused. A token that is expired, forged or whose
// session ended fails the request, whatever the route (so a stale
// session cookie fails even a login); when that token was the session
// cookie, the answer also clears it. No token means an anonymous caller.
func (s *server) loadAuth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Every flow reads the client (for sessions, rate limits and
		// the audit log) from the context. The request is copied with
		// its new context once, when the caller is known (a copy per
		// value would cost every request twice).
		ctx := core.WithClient(r.Context(), core.Client{
			IP: httpapi.ClientIPFrom(r.Context()), UserAgent: r.UserAgent(),
		})
		token, source, err := s.extractToken(r)
		if err != nil {
			s.renderError(w, r.WithContext(ctx), err)
			return
		}
		if source == sourceNone {
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		p, err := s.authenticate(ctx, token)
		if err != nil {
			if e, ok := asAPIError(err); ok && source == sourceCookie &&
				(e.code == "INVALID_CREDENTIALS" || e.code == "INVALID_TOKEN") {
				s.clearCookie(w, s.opt.SessionCookieName)
			}
			s.renderError(w, r.WithContext(ctx), err)
			return
		}
		next.ServeHTTP(w, r.WithContext(context.WithValue(ctx, callerKey{}, caller{p: p, source: source})))
	})
}

// extractToken finds the request's access token as Directus does.
func (s *server) extractToken(r *http.Request) (string, tokenSource, error) {
	// Every request passes here: neither lookup allocates when there is
	// nothing to find.
	query := ""
	if r.URL.RawQuery != "" {
		query = r.URL.Query().Get("access_token")
	}
	header := ""
	// Exactly two space-separated parts, the first "Bearer", as Directus.
	if scheme, tok, ok := strings.Cut(r.Header.Get("Authorization"), " "); ok && strings.EqualFold(scheme, "bearer") &&
		!strings.Contains(tok, " ") {
		header = tok
	}
	switch {
	case query != "" && header != "":
		return "", sourceNone, errInvalidPayload("The request uses more than one method for including an access token")
	case query != "":
		return query, sourceQuery, nil
	case header != "":
		return header, sourceHeader, nil
	}
	if c, err := r.Cookie(s.opt.SessionCookieName); err == nil && c.Value != "" {
		return c.Value, sourceCookie, nil
	}
	return "", sourceNone, nil
}

// authenticate checks an access token and translates a refusal into
// Directus's answer: an expired token is TOKEN_EXPIRED; a JWT we did not
// sign is INVALID_TOKEN; anything else (a token that is not a JWT, which
// Directus would look up as a static token, or one whose session ended)
// is INVALID_CREDENTIALS. A token of another collection names no user of
// this surface, so it reads as unknown too.
func (s *server) authenticate(ctx context.Context, token string) (*core.Principal, error) {
	p, err := s.svc.Authenticate(ctx, token)
	if err != nil {
		if core.AsError(err).Kind != core.KindUnauthenticated {
			return nil, err // the store is down: 503, not a verdict on the token
		}
		switch {
		case errors.Is(err, core.ErrTokenExpired):
			return nil, errTokenExpired()
		case errors.Is(err, core.ErrTokenInvalid) && strings.Count(token, ".") == 2:
			return nil, errInvalidToken()
		}
		return nil, errInvalidCredentials()
	}
	if p.Collection.ID != s.c.ID {
		return nil, errInvalidCredentials()
	}
	return p, nil
}

// callerOf returns the request's caller; p is nil for an anonymous one.
func callerOf(r *http.Request) caller {
	c, _ := r.Context().Value(callerKey{}).(caller)
	return c
}

// requireUser returns the authenticated user, or Directus's answer to an
// anonymous caller of a user route.
func requireUser(r *http.Request) (*core.Principal, error) {
	if p := callerOf(r).p; p != nil {
		return p, nil
	}
	return nil, errInvalidCredentials()
}
