package directus

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/surfaces"
)

// DefaultBodyLimit is Directus's MAX_PAYLOAD_SIZE default (1 MB).
const DefaultBodyLimit = 1 << 20

// server holds the surface's settings for its handlers.
type server struct {
	svc       *core.Service
	log       *slog.Logger
	c         *core.Collection
	opt       Options
	bodyLimit int64
	onRoute   func(r *http.Request, pattern string)
	jar       httpapi.CookieJar   // the refresh and session cookies
	state     httpapi.StateCookie // the SSO state cookies
	public    *url.URL            // opt.PublicURL, parsed
}

// NewHandler returns the surface. It serves paths relative to its mount
// ("/auth/login", "/users/me", ...): the server strips the mount prefix
// (http.StripPrefix) before calling it. It returns an error for invalid
// options (an unknown collection, a bad PublicURL...). Bodies are capped
// at Directus's MAX_PAYLOAD_SIZE (DefaultBodyLimit), or the server's
// lower limit.
func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error) {
	if d.Service == nil {
		return nil, errors.New("directus: a core service is required")
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	c, ok := d.Service.Collection(opt.Collection)
	if !ok {
		return nil, fmt.Errorf("directus: Collection: no auth collection %q", opt.Collection)
	}
	if !slices.Contains(c.IdentityFields, "email") {
		return nil, fmt.Errorf("directus: Collection: %q does not log in by email, which Directus needs", c.Name)
	}
	public, _ := url.Parse(opt.PublicURL) // validated above
	svc, err := d.Service.WithProfile(opt.profile())
	if err != nil {
		return nil, fmt.Errorf("directus: %w", err)
	}
	s := &server{
		svc: svc, log: d.Log(), c: c, opt: opt, bodyLimit: d.BodyLimitOr(DefaultBodyLimit), onRoute: d.OnRoute, public: public,
	}
	s.jar, s.state = newCookies(opt)
	system, err := s.systemGraphQL()
	if err != nil {
		return nil, fmt.Errorf("directus: %w", err)
	}
	mux := http.NewServeMux()
	s.addRoutes(mux, system)
	return httpapi.Chain(mux,
		httpapi.LimitBody(s.bodyLimit),
		httpapi.Recover(s.log, s.renderer().WriteInternal),
		httpapi.SecurityHeaders(map[string]string{"X-Content-Type-Options": "nosniff"}),
		// The methods are the surface's routes' (addRoutes).
		httpapi.CORS(httpapi.CORSOptions{AllowedOrigins: d.Origins(), AllowMethods: "GET,HEAD,PATCH,POST"}),
		s.csrf,
		s.loadAuth,
	), nil
}

// handle adapts a route handler: its errors render in Directus's
// envelope.
func (s *server) handle(fn httpapi.HandlerFunc) http.Handler {
	return httpapi.Handle(fn, s.renderError)
}
