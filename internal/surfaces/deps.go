package surfaces

import (
	"log/slog"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Deps are what every surface is built from, alike for each: cmd fills
// them once per mount, and every surface's constructor has the one shape
//
//	func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error)
//
// where Options are the surface's own settings (TestNewHandlerShape keeps
// it so). A surface binds its own core.Profile to Service when it is
// built.
type Deps struct {
	// Service is core, before the surface's profile is applied.
	Service *core.Service
	// Logger receives the surface's logs; nil discards them.
	Logger *slog.Logger
	// BodyLimit is the server's cap on request bodies (http.body_limit);
	// a surface may cap lower (Directus's 1 MB), and 0 means its own
	// default.
	BodyLimit int64
	// CORSOrigins are the browser origins that may call the surface
	// (http.cors_origins); empty means any.
	CORSOrigins []string
	// OnRoute, when set, is told the route pattern each request matched
	// (metrics label by route, never by raw path).
	OnRoute func(r *http.Request, pattern string)
	// Done, when closed, ends long-lived answers (PocketBase's realtime
	// streams), so a graceful shutdown does not wait for them.
	Done <-chan struct{}
}

// Log returns the surface's logger: d.Logger, or one that discards.
func (d Deps) Log() *slog.Logger {
	if d.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return d.Logger
}

// BodyLimitOr returns the body limit for a surface whose own cap is
// limit: the server's when it is set and lower, else the surface's.
func (d Deps) BodyLimitOr(limit int64) int64 {
	if d.BodyLimit > 0 && d.BodyLimit < limit {
		return d.BodyLimit
	}
	return limit
}

// Origins returns the CORS origins: d.CORSOrigins, or any ("*") when
// none are set, the default of PocketBase and Directus alike.
func (d Deps) Origins() []string {
	if len(d.CORSOrigins) == 0 {
		return []string{"*"}
	}
	return d.CORSOrigins
}
