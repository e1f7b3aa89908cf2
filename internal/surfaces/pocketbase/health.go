package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// healthResponse is PocketBase's health answer; field order is the wire
// order.
type healthResponse struct {
	Message string         `json:"message"`
	Code    int            `json:"code"`
	Data    map[string]any `json:"data"`
}

// handleHealth answers GET /api/health. It checks that the store answers
// and that no store condition is in force (core's Health: a full disk, a
// busy, slow or unreachable database), so a load balancer stops sending
// traffic to a node that cannot serve. Healthy, it answers PocketBase's
// 200 body; degraded, 503 in PocketBase's error format, its message
// worded from the condition's code, with Retry-After:
//
//	{"status":503,"message":"The service cannot save data right now, try again later.","data":{}}
//
// A saturated password hasher does not make the node unhealthy: it still
// serves everything but some logins. GET /readyz says the same in the
// server's own format.
func (s *server) handleHealth() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		if err := s.svc.Health(r.Context()); err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, healthResponse{Message: "API is healthy.", Code: 200, Data: map[string]any{}})
	})
}
