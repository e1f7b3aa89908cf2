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

// handleHealth answers GET /api/health. It checks that the store answers,
// so a load balancer stops sending traffic to a node that lost its
// database.
func (s *server) handleHealth() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		if err := s.svc.Health(r.Context()); err != nil {
			return err
		}
		return httpapi.WriteJSON(w, http.StatusOK, healthResponse{Message: "API is healthy.", Code: 200, Data: map[string]any{}})
	})
}
