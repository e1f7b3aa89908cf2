package core

import "context"

// Client describes where a request came from. Surfaces attach it to the
// request context once (WithClient); flows read it for sessions, rate
// limits and the audit log.
type Client struct {
	IP        string
	UserAgent string
}

type clientKey struct{}

// WithClient returns ctx carrying the request's client.
func WithClient(ctx context.Context, c Client) context.Context {
	return &clientCtx{Context: ctx, client: c}
}

// ClientFrom returns the client attached to ctx, or the zero Client.
func ClientFrom(ctx context.Context) Client {
	if c, ok := ctx.Value(clientKey{}).(*clientCtx); ok {
		return c.client
	}
	return Client{}
}

// clientCtx is a context carrying the client: one allocation, where
// context.WithValue costs two (the context and the boxed Client). It
// answers its own key and passes every other lookup to its parent.
type clientCtx struct {
	context.Context
	client Client
}

// Value returns the clientCtx itself for clientKey, else the parent's
// value.
func (c *clientCtx) Value(key any) any {
	if _, ok := key.(clientKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func (c *clientCtx) String() string { return "core.WithClient" }
