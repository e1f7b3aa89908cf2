package payload

import (
	"errors"
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/httpapi/gql"
)

// graphqlMapper words the GraphQL layer's errors as Payload does:
//
//   - a request it cannot read (malformed JSON, wrong types, invalid
//     UTF-8, no query, an array) is a REST error in Payload's envelope,
//     4xx (405 for a mutation over GET, as graphql-http answers it);
//   - a document refused before it runs (syntax, validation, the abuse
//     limits) is a 400 {"errors":[...]} with GraphQL's messages and
//     locations, as graphql-http answers an invalid document;
//   - a resolver's error is an entry of the result's errors (the result
//     a 200) with the message the same failure has over REST (words.go)
//     and Payload's extensions: {name, statusCode} and, for a
//     ValidationError, data.
type graphqlMapper struct{ s *server }

// Request renders a request the layer could not read.
func (m graphqlMapper) Request(w http.ResponseWriter, r *http.Request, err error) {
	var re *gql.RequestError
	if errors.As(err, &re) {
		if re.Kind == gql.KindMethod || re.Kind == gql.KindMutationOverGET {
			w.Header().Set("Allow", "POST")
			err = &apiError{status: http.StatusMethodNotAllowed, message: re.Message}
		} else {
			err = errBadRequest(re.Message)
		}
	}
	var de *httpapi.DecodeError
	if errors.As(err, &de) && de.Reason == httpapi.ReasonWrongType {
		// REST words a mistyped body field as a ValidationError of the
		// route's collection; the GraphQL request's own fields (query,
		// variables, operationName) belong to no collection.
		err = errBadRequest(`The request's "` + de.Field + `" has the wrong type.`)
	}
	m.s.renderError(w, r, err)
}

// Document answers a document refused before it ran.
func (graphqlMapper) Document(_ *http.Request, errs []*gql.Error) httpapi.Answer {
	return httpapi.Answer{Status: http.StatusBadRequest, Body: struct {
		Errors []*gql.Error `json:"errors"`
	}{errs}}
}

// Resolver words a resolver's error as the REST route would, keeping
// GraphQL's path and locations as Payload does.
func (m graphqlMapper) Resolver(r *http.Request, e *gql.Error) []*gql.Error {
	a := m.s.apiErrorOf(r, e.Cause)
	ext := map[string]any{"name": a.className(), "statusCode": a.status}
	if a.data != nil {
		ext["data"] = a.data
	}
	return []*gql.Error{{Message: a.message, Locations: e.Locations, Path: e.Path, Extensions: ext}}
}

// className is e's Payload class, for extensions.name.
func (e *apiError) className() string {
	switch {
	case e.name != "":
		return e.name
	case e.class != "":
		return e.class
	}
	return "APIError"
}

// apiErrorOf translates a resolver's error as the renderer would: the
// surface's own error as is, a core error by kind (with the slug the
// resolver named, for a ValidationError), anything else logged and
// answered as Payload's 500 without its cause.
func (s *server) apiErrorOf(r *http.Request, err error) *apiError {
	if e, ok := asAPIError(err); ok {
		return e
	}
	var in *inSlug
	slug := ""
	if errors.As(err, &in) {
		slug = in.slug
	}
	if e := core.AsError(err); e.Kind != core.KindInternal {
		a := s.coreError(r, e)
		if a.data != nil && slug != "" {
			a.data.Collection = slug
		}
		return a
	}
	s.log.ErrorContext(r.Context(), "request failed", "request_id", httpapi.RequestIDFrom(r.Context()), "err", err)
	return errInternal()
}

// inSlug is a resolver's error with the slug it ran for: REST reads the
// slug of a ValidationError from the path, GraphQL's one path serves
// every slug.
type inSlug struct {
	slug string
	err  error
}

func (e *inSlug) Error() string { return e.err.Error() }
func (e *inSlug) Unwrap() error { return e.err }

// scoped wraps a resolver's error with its slug (nil stays nil).
func scoped(sl slug, err error) error {
	if err == nil {
		return nil
	}
	return &inSlug{slug: sl.name, err: err}
}
