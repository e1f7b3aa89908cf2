package conduit

import (
	"net/http"
	"strings"
)

// anonymousClient is the client of every request when client validation
// is off, as Conduit names it.
const anonymousClient = "anonymous-client"

// errClientValidation refuses a request without a known client.
func errClientValidation() *apiError { return errUnauthorized("Client validation failed") }

// validateClient requires the `clientid` and `clientsecret` headers of a
// known client on every route but the /hook/ ones (links opened in a
// browser), when clients.validation is on. The check is
// httpapi.AppClients': constant time, against stored digests.
func (s *server) validateClient(next http.Handler) http.Handler {
	if !s.opt.Clients.Validation {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/hook/") {
			next.ServeHTTP(w, r)
			return
		}
		if !s.clients.Check(r.Header.Get("clientid"), r.Header.Get("clientsecret")) {
			s.writeError(w, r, errClientValidation())
			return
		}
		next.ServeHTTP(w, r)
	})
}

// clientOf is the client a request comes from: its clientid when
// validation is on (validateClient checked it), else anonymous-client.
func (s *server) clientOf(r *http.Request) string {
	if s.opt.Clients.Validation {
		return r.Header.Get("clientid")
	}
	return anonymousClient
}
