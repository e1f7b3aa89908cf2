package conduit

import (
	"net/http"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"
)

// anonymousClient is the client of every request when client validation
// is off, as Conduit names it, and of the /hook/ routes (links a browser
// opens, without client headers).
const anonymousClient = "anonymous-client"

// errClientValidation refuses a request without a known client.
func errClientValidation() *apiError { return errUnauthorized("Client validation failed") }

// identifyClient names the request's app client to core (Client.App),
// which records it on the sessions a login opens and, with validation
// on, binds tokens to it (the profile's BindClient) and ends only its
// sessions on a new login (SingleSessionPerClient). With
// clients.validation on, every route but the /hook/ ones needs the
// `clientid` and `clientsecret` headers of a known client
// (httpapi.AppClients: constant time, against stored digests); off,
// every request is anonymous-client.
func (s *server) identifyClient(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		app := anonymousClient
		if s.opt.Clients.Validation && !strings.HasPrefix(r.URL.Path, "/hook/") {
			app = r.Header.Get("clientid")
			if !s.clients.Check(app, r.Header.Get("clientsecret")) {
				s.writeError(w, r, errClientValidation())
				return
			}
		}
		cl := core.ClientFrom(r.Context())
		cl.App = app
		next.ServeHTTP(w, r.WithContext(core.WithClient(r.Context(), cl)))
	})
}
