package directus

import (
	"errors"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// graphqlMapper words the GraphQL layer's errors as Directus does:
//
//   - a request it cannot read is a REST error ({"errors":[...]} with
//     INVALID_PAYLOAD, UNSUPPORTED_MEDIA_TYPE, CONTENT_TOO_LARGE, or
//     METHOD_NOT_ALLOWED for a mutation over GET);
//   - a document refused before it runs (syntax, validation, the abuse
//     limits) is a 400 GRAPHQL_VALIDATION "GraphQL validation error.",
//     the GraphQL errors in extensions.errors;
//   - a resolver's error is an entry of the result's errors with the
//     message and code the same failure has over REST (the result is a
//     200, as Directus answers executed operations).
type graphqlMapper struct{ s *server }

// Request renders a request the layer could not read.
func (m graphqlMapper) Request(w http.ResponseWriter, r *http.Request, err error) {
	var re *gql.RequestError
	if errors.As(err, &re) {
		switch re.Kind {
		case gql.KindMethod, gql.KindMutationOverGET:
			w.Header().Set("Allow", "POST") // a 405 names what would do
			err = errMethodNotAllowed(r.Method)
		case gql.KindVariables:
			err = errInvalidPayload("Variables are invalid JSON")
		default:
			// No query, or an array (a batch), which has no query
			// either: Directus's words for both.
			err = errInvalidPayload("Must provide query string")
		}
	}
	m.s.renderError(w, r, err)
}

// Document answers a document refused before it ran.
func (graphqlMapper) Document(_ *http.Request, errs []*gql.Error) httpapi.Answer {
	return answerOf(&apiError{status: http.StatusBadRequest, code: "GRAPHQL_VALIDATION",
		message: "GraphQL validation error.", extra: map[string]any{"errors": errs}})
}

// Resolver words a resolver's error as the REST route would: the same
// message and code (an unexpected error logged, and answered as
// INTERNAL_SERVER_ERROR without its cause). Directus shows a path and
// locations to admins only; Gatehouse shows them to no one.
func (m graphqlMapper) Resolver(r *http.Request, e *gql.Error) []*gql.Error {
	apiErrs := m.s.toAPIErrors(r, e.Cause)
	out := make([]*gql.Error, len(apiErrs))
	for i, a := range apiErrs {
		ext := map[string]any{"code": a.code}
		for k, v := range a.extra {
			ext[k] = v
		}
		out[i] = &gql.Error{Message: a.message, Extensions: ext}
	}
	return out
}

// errMethodNotAllowed is Directus's answer to a mutation sent with GET.
func errMethodNotAllowed(method string) *apiError {
	return &apiError{status: http.StatusMethodNotAllowed, code: "METHOD_NOT_ALLOWED",
		message: `Invalid method "` + method + `" used. Should be one of POST.`,
		extra:   map[string]any{"allow": []string{"POST"}, "current": method}}
}
