package httpapi

import (
	"context"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Authenticator checks access tokens; *core.Service is one.
type Authenticator interface {
	// AuthenticateIn returns the caller a token names, refusing a token
	// of a collection other than c (nil accepts any).
	AuthenticateIn(ctx context.Context, c *core.Collection, token string) (*core.Principal, error)
}

// AuthOptions configure LoadAuth.
type AuthOptions struct {
	// Tokens is where the surface's clients put their token.
	Tokens TokenRule
	// Service checks the token.
	Service Authenticator
	// Collection, when set, binds the surface to one collection: a token
	// of another is refused (core.ErrWrongCollection).
	Collection *core.Collection
	// GuestOnRefusal lets a request whose token is refused (core's
	// KindUnauthenticated: forged, expired, session ended) go on as a
	// guest, as if it had none; routes that need a user then answer for
	// themselves (PocketBase). Otherwise the refusal goes to OnError
	// (Directus: a stale token fails even a login).
	GuestOnRefusal bool
	// OnError writes the surface's answer to a request LoadAuth stops: a
	// token in both query and header (ErrAmbiguousToken), a refused
	// token (unless GuestOnRefusal), or a failure to check one (the store
	// is down, whatever GuestOnRefusal says: that is no verdict on the
	// token). src is where the token came from, so the surface may also
	// clear a refused cookie. It must only render: the request stops
	// here. Required.
	OnError func(w http.ResponseWriter, r *http.Request, err error, src TokenSource)
}

// Caller is a request's authenticated user and where its token came
// from; the zero Caller is a guest.
type Caller struct {
	// Principal is nil for a guest.
	Principal *core.Principal
	Source    TokenSource
}

// LoadAuth authenticates every request before routing: it attaches the
// client (core.WithClient: IP and user agent, which flows read for
// sessions, rate limits and the audit log), finds the token by
// o.Tokens, checks it, and keeps the caller in the context (CallerFrom).
// A request without a token goes on as a guest.
//
// The request is copied with its new context once, when the caller is
// known: a copy per value would cost every request twice. Without a
// token, the middleware allocates only that copy and the client's
// context; finding the token allocates nothing unless the request has a
// query string or cookies to read.
func LoadAuth(o AuthOptions) Middleware {
	if o.Service == nil || o.OnError == nil {
		panic("httpapi: LoadAuth needs a Service and an OnError")
	}
	rule := o.Tokens
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// One context carries the client and, once known, the
			// caller: the guest's zero Caller reads as none.
			cc := &callerCtx{ClientContext: core.ClientContext{Context: r.Context(), Client: core.Client{
				IP: ClientIPFrom(r.Context()), UserAgent: r.UserAgent(),
			}}}
			token, src, err := rule.Extract(r)
			if err != nil {
				o.OnError(w, r.WithContext(cc), err, src)
				return
			}
			if src == SourceNone {
				next.ServeHTTP(w, r.WithContext(cc))
				return
			}
			p, err := o.Service.AuthenticateIn(cc, o.Collection, token)
			switch {
			case err == nil:
				cc.caller = Caller{Principal: p, Source: src}
				next.ServeHTTP(w, r.WithContext(cc))
			case o.GuestOnRefusal && core.AsError(err).Kind == core.KindUnauthenticated:
				next.ServeHTTP(w, r.WithContext(cc))
			default:
				o.OnError(w, r.WithContext(cc), err, src)
			}
		})
	}
}

// CallerFrom returns the caller LoadAuth found, or a guest.
func CallerFrom(ctx context.Context) Caller {
	if c, ok := ctx.Value(callerKey{}).(*callerCtx); ok {
		return c.caller
	}
	return Caller{}
}

type callerKey struct{}

// callerCtx is a context carrying the client (core.ClientContext, which
// core.ClientFrom finds) and the caller. It answers the caller's key
// itself and passes every other lookup (and Done, Err, Deadline) on. It
// costs one allocation, where core.WithClient and a context of the
// caller would cost one each (and context.WithValue two each).
type callerCtx struct {
	core.ClientContext
	caller Caller
}

// Value returns the callerCtx itself for callerKey, else what the
// client's context answers.
func (c *callerCtx) Value(key any) any {
	if _, ok := key.(callerKey); ok {
		return c
	}
	return c.ClientContext.Value(key)
}
