package pocketbase

import (
	"net/http"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
)

// collectionRoute resolves {collection} (answering the route family's 404
// when it does not exist) and passes it to fn. validationMsg is the
// top-level message of the route's field errors.
func (s *server) collectionRoute(missingMsg, validationMsg string, fn func(w http.ResponseWriter, r *http.Request, c *core.Collection) error) http.Handler {
	return s.handle(validationMsg, func(w http.ResponseWriter, r *http.Request) error {
		c, ok := s.svc.Collection(r.PathValue("collection"))
		if !ok {
			writeAPIError(w, 404, missingMsg, nil)
			return nil
		}
		return fn(w, r, c)
	})
}

// formAction is an auth action that reads a body and answers 204: fn
// reads its fields from the form and calls core.
func (s *server) formAction(fn func(r *http.Request, c *core.Collection, f *form) error) http.Handler {
	return s.collectionRoute(msgNoCollection, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		f, err := s.readForm(r)
		if err != nil {
			return err
		}
		if err := fn(r, c, f); err != nil {
			return err
		}
		httpapi.WriteNoContent(w)
		return nil
	})
}
