package core

import "context"

// Client describes where a request came from. Surfaces attach it to the
// request context once (WithClient); flows read it for sessions, rate
// limits and the audit log.
type Client struct {
	IP        string
	UserAgent string
	// App is the app client the request names, for surfaces that have
	// them (Conduit's clientid header, or its anonymous-client): sessions
	// record it, and a profile may bind tokens to it or end only its
	// sessions. "" elsewhere.
	App string
}

type clientKey struct{}

// WithClient returns ctx carrying the request's client.
func WithClient(ctx context.Context, c Client) context.Context {
	return &ClientContext{Context: ctx, Client: c}
}

// ClientFrom returns the client attached to ctx, or the zero Client.
func ClientFrom(ctx context.Context) Client {
	if c, ok := ctx.Value(clientKey{}).(*ClientContext); ok {
		return c.Client
	}
	return Client{}
}

// ClientContext is a context carrying the request's client, what
// WithClient returns: one allocation, where context.WithValue costs two
// (the context and the boxed Client). A context type of a surface's own
// may embed one by value (with Context set to the parent) to carry the
// client without another allocation, as long as its Value passes the
// keys it does not know to the embedded ClientContext.
type ClientContext struct {
	context.Context
	Client Client
}

// Value returns c itself for the client's key, else the parent's value.
func (c *ClientContext) Value(key any) any {
	if _, ok := key.(clientKey); ok {
		return c
	}
	return c.Context.Value(key)
}

// String names the context, as the context package's own do.
func (c *ClientContext) String() string { return "core.WithClient" }
