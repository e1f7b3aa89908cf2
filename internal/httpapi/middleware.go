package httpapi

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"math/rand/v2"
	"net/http"
	"sync/atomic"
	"time"
)

// Middleware wraps a handler.
type Middleware func(http.Handler) http.Handler

// Chain wraps h in mws, the first one outermost: Chain(h, a, b) serves a
// request through a, then b, then h.
func Chain(h http.Handler, mws ...Middleware) http.Handler {
	for i := len(mws) - 1; i >= 0; i-- {
		h = mws[i](h)
	}
	return h
}

type infoKey struct{}

// requestInfo holds what RequestID and ClientIP learn about a request,
// under one context key: the first of them to run puts it in the context
// and the other fills its field in, so the two cost one copy of the
// request instead of one each (every request passes through both). It is
// written only by those middlewares, before any handler runs.
type requestInfo struct {
	id, clientIP string
	// start is when the request's handling began, set by Deadlines
	// (which reads the clock then anyway) for AccessLog; zero without.
	start time.Time
	// hidden is a secret the request carries in its path, which a
	// handler names (HideInLog) so AccessLog leaves it out. Unlike the
	// fields above it is written by a handler, maybe while AccessLog
	// reads: hence the atomic.
	hidden atomic.Pointer[string]
}

// withInfo returns r and its requestInfo, adding one to r's context when
// an outer middleware has not.
func withInfo(r *http.Request) (*http.Request, *requestInfo) {
	if c, ok := r.Context().Value(infoKey{}).(infoCarrier); ok {
		return r, c.requestInfo()
	}
	ic := &infoCtx{Context: r.Context()}
	return r.WithContext(ic), &ic.info
}

// infoCarrier is a context holding the request's requestInfo, answering
// infoKey with itself: an infoCtx, or the handlerCtx of Deadlines, which
// every request of a server gets anyway (so the request needs no context
// and no copy for it).
type infoCarrier interface{ requestInfo() *requestInfo }

// infoFrom returns the requestInfo in ctx, or nil.
func infoFrom(ctx context.Context) *requestInfo {
	if c, ok := ctx.Value(infoKey{}).(infoCarrier); ok {
		return c.requestInfo()
	}
	return nil
}

// infoCtx is a context carrying a requestInfo, in one allocation (a
// context.WithValue of a pointer to one would take two). It answers its
// own key and passes every other lookup to its parent.
type infoCtx struct {
	context.Context
	info requestInfo
}

// Value returns the infoCtx itself for infoKey, else the parent's value.
func (c *infoCtx) Value(key any) any {
	if _, ok := key.(infoKey); ok {
		return c
	}
	return c.Context.Value(key)
}

func (c *infoCtx) String() string { return "httpapi.requestInfo" }

func (c *infoCtx) requestInfo() *requestInfo { return &c.info }

// RequestIDHeader carries the request id in both directions.
const RequestIDHeader = "X-Request-Id"

// maxRequestIDLen bounds an incoming request id, which ends up in every
// log line of the request.
const maxRequestIDLen = 64

// RequestID gives every request an id, kept in the context (RequestIDFrom)
// and echoed in the X-Request-Id response header. An incoming X-Request-Id
// is kept only when it is 1-64 characters of [A-Za-z0-9._-], so a client
// cannot inject log syntax or oversized values; otherwise a random id is
// generated.
func RequestID() Middleware {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			id := r.Header.Get(RequestIDHeader)
			if !validRequestID(id) {
				id = newRequestID()
			}
			w.Header()[RequestIDHeader] = []string{id}
			r, info := withInfo(r)
			info.id = id
			next.ServeHTTP(w, r)
		})
	}
}

// RequestIDFrom returns the request id RequestID stored, or "".
func RequestIDFrom(ctx context.Context) string {
	if info := infoFrom(ctx); info != nil {
		return info.id
	}
	return ""
}

func validRequestID(id string) bool {
	if id == "" || len(id) > maxRequestIDLen {
		return false
	}
	for i := range len(id) {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' ||
			c == '.' || c == '_' || c == '-'
		if !ok {
			return false
		}
	}
	return true
}

// newRequestID returns 96 random bits in hex. An id names a request in
// the logs and is no secret (clients may send their own), so it comes
// from the runtime's per-thread generator (ChaCha8, seeded from the
// system): crypto/rand cost a system call per request.
func newRequestID() string {
	var b [12]byte
	binary.LittleEndian.PutUint64(b[:8], rand.Uint64())
	binary.LittleEndian.PutUint32(b[8:], rand.Uint32())
	var out [24]byte
	hex.Encode(out[:], b[:])
	return string(out[:])
}
