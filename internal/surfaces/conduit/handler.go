package conduit

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"slices"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/surfaces"
)

// DefaultBodyLimit caps request bodies: Conduit's bodies are small, and
// userData is bounded by core's profile limit.
const DefaultBodyLimit = 1 << 20

// server holds the surface's settings for its handlers.
type server struct {
	svc       *core.Service
	log       *slog.Logger
	c         *core.Collection
	opt       Options
	bodyLimit int64
	onRoute   func(r *http.Request, pattern string)
	statuses  statusMap
	cookies   tokenCookies      // the accessToken and refreshToken cookies
	access    httpapi.TokenRule // an access token: Bearer, else the accessToken cookie
	refresh   httpapi.TokenRule // a refresh token: Bearer, else the refreshToken cookie
	clients   httpapi.AppClients
}

// NewHandler returns the surface. It serves paths relative to its mount
// ("/authentication/local", "/hook/authentication/..."): the server
// strips the mount prefix before calling it. It returns an error for
// invalid options (an unknown collection, a bad PublicURL...).
func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error) {
	if d.Service == nil {
		return nil, errors.New("conduit: a core service is required")
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	c, ok := d.Service.Collection(opt.Collection)
	if !ok {
		return nil, fmt.Errorf("conduit: Collection: no auth collection %q", opt.Collection)
	}
	if !slices.Contains(c.IdentityFields, "email") {
		return nil, fmt.Errorf("conduit: Collection: %q does not log in by email, which Conduit needs", c.Name)
	}
	svc, err := d.Service.WithProfile(opt.profile())
	if err != nil {
		return nil, fmt.Errorf("conduit: %w", err)
	}
	clients, err := httpapi.NewAppClients(opt.Clients.Secrets)
	if err != nil {
		return nil, fmt.Errorf("conduit: clients.secrets: %w", err)
	}
	s := &server{
		svc: svc, log: d.Log(), c: c, opt: opt, bodyLimit: d.BodyLimitOr(DefaultBodyLimit), onRoute: d.OnRoute,
		statuses: statusMap{conflict409: opt.ConflictStatus409}, clients: clients,
	}
	s.cookies = newTokenCookies(opt)
	s.access = httpapi.TokenRule{Schemes: []string{"Bearer"}, Exact: true, Cookie: cookieAccess}
	s.refresh = httpapi.TokenRule{Schemes: []string{"Bearer"}, Exact: true, Cookie: cookieRefresh}
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return httpapi.Chain(mux,
		httpapi.LimitBody(s.bodyLimit),
		httpapi.Recover(s.log, s.renderer().WriteInternal),
		httpapi.SecurityHeaders(map[string]string{"X-Content-Type-Options": "nosniff", "Cache-Control": "no-store"}),
		httpapi.CORS(httpapi.CORSOptions{AllowedOrigins: d.Origins(), AllowMethods: "GET,HEAD,PATCH,POST,PUT,DELETE"}),
		s.loadClient,
		s.validateClient,
	), nil
}

// handle adapts a route handler: its errors render in Conduit's shape.
func (s *server) handle(fn httpapi.HandlerFunc) http.Handler {
	return httpapi.Handle(fn, s.renderError)
}
