package pocketbase

import (
	"errors"
	"fmt"
	"log/slog"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/surfaces"
)

// DefaultBodyLimit is PocketBase's request body cap (32 MiB).
const DefaultBodyLimit = 32 << 20

// Options are the surface's own settings, beside the surfaces.Deps every
// surface gets.
type Options struct {
	// Realtime, when set, shares realtime streams with the other nodes of
	// a deployment; nil means this node is the only one.
	Realtime core.RealtimeRelay
}

// server holds the surface's dependencies for its handlers.
type server struct {
	svc       *core.Service
	log       *slog.Logger
	bodyLimit int64
	onRoute   func(r *http.Request, pattern string)
	realtime  *broker
}

// profile is the surface's policy in core: emails match exactly, a lock
// reads as a wrong password, a rotated refresh token is good for a retry
// within the server's grace, tokens live as their collection says, and
// no answer is padded: PocketBase pads none, and its logins cost a dummy
// hash for unknown accounts, which is what hides who has one.
func profile() core.Profile {
	return core.Profile{
		Floors: core.TimingFloors{Login: core.NoFloor, Register: core.NoFloor, MailRequest: core.NoFloor},
	}
}

// NewHandler returns the PocketBase surface. It serves `/api/...` and
// answers every other path with PocketBase's 404. A body limit of 0 is
// PocketBase's own (DefaultBodyLimit).
func NewHandler(d surfaces.Deps, opt Options) (http.Handler, error) {
	if d.Service == nil {
		return nil, errors.New("pocketbase: a core service is required")
	}
	svc, err := d.Service.WithProfile(profile())
	if err != nil {
		return nil, fmt.Errorf("pocketbase: %w", err)
	}
	// PocketBase's own cap is the server's: a larger http.body_limit
	// raises it.
	limit := int64(DefaultBodyLimit)
	if d.BodyLimit > 0 {
		limit = d.BodyLimit
	}
	s := &server{svc: svc, log: d.Log(), bodyLimit: limit, onRoute: d.OnRoute}
	s.realtime = newBroker(d.Done, opt.Realtime, s.log)
	mux := http.NewServeMux()
	s.addRoutes(mux)
	return httpapi.Chain(mux,
		httpapi.LimitBody(s.bodyLimit),
		httpapi.Recover(s.log, s.renderer("").WriteInternal),
		httpapi.SecurityHeaders(map[string]string{
			"X-Content-Type-Options": "nosniff",
			"X-Frame-Options":        "SAMEORIGIN",
			"X-Xss-Protection":       "1; mode=block",
		}),
		httpapi.CORS(httpapi.CORSOptions{AllowedOrigins: d.Origins(), AllowMethods: "GET,HEAD,PUT,PATCH,POST,DELETE"}),
		s.loadAuth,
	), nil
}

// handle adapts a route handler; its errors render with the given
// validation message.
func (s *server) handle(validationMsg string, fn httpapi.HandlerFunc) http.Handler {
	return httpapi.Handle(fn, s.renderer(validationMsg).Render)
}

// collection resolves the {collection} path value, or writes PocketBase's
// 404 with the route's message.
func (s *server) collection(w http.ResponseWriter, r *http.Request, missingMsg string) (*core.Collection, bool) {
	c, ok := s.svc.Collection(r.PathValue("collection"))
	if !ok {
		writeAPIError(w, 404, missingMsg, nil)
		return nil, false
	}
	return c, true
}

// Route-specific messages for a collection that does not exist.
const (
	msgNoCollection     = "Missing or invalid collection context."
	msgNoAuthCollection = "Missing or invalid auth collection context."
	msgNoRecordsContext = "Missing collection context."
)
