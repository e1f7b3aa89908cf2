package conduit

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
)

// This file holds the OAuth2 handlers: the authorize URL for a provider,
// and the provider's callback hook.

// handleOAuthInit answers GET /authentication/init/{provider}.
func (s *server) handleOAuthInit(w http.ResponseWriter, r *http.Request, p *core.Principal) error {
	return errNotImplemented()
}

// handleOAuthHook answers GET and POST /hook/authentication/{provider}.
func (s *server) handleOAuthHook(w http.ResponseWriter, r *http.Request) error {
	return errNotImplemented()
}
