package payload

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

// DefaultBodyLimit caps request bodies: auth bodies are small, and user
// documents are bounded by core's profile limit.
const DefaultBodyLimit = 1 << 20

// slug is one Payload collection the surface serves: its slug and the
// auth collection bound to it.
type slug struct {
	name string
	c    *core.Collection
}

// server holds the surface's settings for its handlers.
type server struct {
	svc       *core.Service
	log       *slog.Logger
	opt       Options
	slugs     []slug
	bodyLimit int64
	onRoute   func(r *http.Request, pattern string)
	jar       httpapi.CookieJar
}

// NewHandler returns the surface. It serves paths relative to its mount
// ("/api/users/login", ...): the server strips the mount prefix before
// calling it. It returns an error for invalid options (an unknown
// collection, a bad ServerURL...).
func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error) {
	if d.Service == nil {
		return nil, errors.New("payload: a core service is required")
	}
	opt = opt.withDefaults()
	if err := opt.validate(); err != nil {
		return nil, err
	}
	s := &server{log: d.Log(), opt: opt, bodyLimit: d.BodyLimitOr(DefaultBodyLimit), onRoute: d.OnRoute}
	for _, name := range opt.SortedSlugs() {
		c, ok := d.Service.Collection(opt.Slugs[name])
		if !ok {
			return nil, slugError(name, fmt.Errorf("no auth collection %q", opt.Slugs[name]))
		}
		if !slices.Contains(c.IdentityFields, "email") {
			return nil, slugError(name, fmt.Errorf("%q does not log in by email, which Payload needs", c.Name))
		}
		if slices.ContainsFunc(s.slugs, func(o slug) bool { return o.c.ID == c.ID }) {
			return nil, slugError(name, fmt.Errorf("collection %q is bound to another slug", c.Name))
		}
		s.slugs = append(s.slugs, slug{name: name, c: c})
	}
	svc, err := d.Service.WithProfile(opt.profile(s.slugName))
	if err != nil {
		return nil, fmt.Errorf("payload: %w", err)
	}
	s.svc = svc
	s.jar = newJar(opt)
	graphql, err := s.graphQL()
	if err != nil {
		return nil, err
	}
	mux := http.NewServeMux()
	s.addRoutes(mux, graphql)
	return httpapi.Chain(mux,
		httpapi.LimitBody(s.bodyLimit),
		httpapi.Recover(s.log, s.renderer().WriteInternal),
		httpapi.SecurityHeaders(map[string]string{"X-Content-Type-Options": "nosniff"}),
		httpapi.CORS(httpapi.CORSOptions{AllowedOrigins: d.Origins(), AllowMethods: "GET,HEAD,PATCH,POST,DELETE"}),
		s.csrf,
		s.loadAuth,
	), nil
}

// slugName is the slug bound to c, "" for a collection the surface does
// not serve (its tokens' `collection` claim is then empty).
func (s *server) slugName(c *core.Collection) string {
	for _, sl := range s.slugs {
		if sl.c.ID == c.ID {
			return sl.name
		}
	}
	return ""
}

// handle adapts a route handler: its errors render in Payload's
// envelope.
func (s *server) handle(fn httpapi.HandlerFunc) http.Handler {
	return httpapi.Handle(fn, s.renderError)
}
