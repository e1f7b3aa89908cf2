package gql

import (
	"context"
	"net/http"
	"sync"
)

// Exchange is the HTTP request a resolver runs for, and the response
// headers it may add to (cookies). Resolvers of one request may run
// concurrently (a query's fields do), so the headers are written under
// a lock, through Respond.
type Exchange struct {
	// Request is the HTTP request (its context is the resolvers' too).
	Request *http.Request

	mu     sync.Mutex
	header http.Header
}

type exchangeKey struct{}

// ExchangeFrom returns the exchange a resolver runs for. It panics when
// ctx is not a resolver's context: that is a wiring mistake.
func ExchangeFrom(ctx context.Context) *Exchange {
	x, ok := ctx.Value(exchangeKey{}).(*Exchange)
	if !ok {
		panic("gql: ExchangeFrom outside a resolver")
	}
	return x
}

// Respond calls fn with a ResponseWriter whose headers (Set-Cookie, for
// one) are sent with the HTTP response; what fn writes to its body or
// status is dropped, since the layer writes those. Calls are serialised.
func (x *Exchange) Respond(fn func(w http.ResponseWriter)) {
	x.mu.Lock()
	defer x.mu.Unlock()
	fn(headerWriter{x.header})
}

// copyHeaders adds the headers resolvers set to w's.
func (x *Exchange) copyHeaders(w http.ResponseWriter) {
	x.mu.Lock()
	defer x.mu.Unlock()
	for k, vs := range x.header {
		for _, v := range vs {
			w.Header().Add(k, v)
		}
	}
}

// headerWriter is a ResponseWriter that keeps headers only.
type headerWriter struct{ h http.Header }

func (w headerWriter) Header() http.Header         { return w.h }
func (w headerWriter) Write(b []byte) (int, error) { return len(b), nil }
func (w headerWriter) WriteHeader(int)             {}
