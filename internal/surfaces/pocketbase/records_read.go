package pocketbase

import (
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
)

// listResponse is PocketBase's paged list; field order is the wire order.
type listResponse struct {
	Items      []map[string]any `json:"items"`
	Page       int              `json:"page"`
	PerPage    int              `json:"perPage"`
	TotalItems int              `json:"totalItems"`
	TotalPages int              `json:"totalPages"`
}

// handleViewRecord answers GET /records/{id}. A record the caller may not
// see answers 404, not 403.
func (s *server) handleViewRecord() http.Handler {
	return s.collectionRoute(msgNoRecordsContext, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		p := principal(r)
		u, err := s.svc.ViewUser(r.Context(), p, c, r.PathValue("id"))
		if err != nil {
			return err
		}
		return respond(w, r, http.StatusOK, newRecordResponse(p, c, u))
	})
}

// handleListRecords answers GET /records?page=&perPage=&sort=&filter=&skipTotal=.
func (s *server) handleListRecords() http.Handler {
	return s.collectionRoute(msgNoRecordsContext, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		qs := r.URL.Query()
		p := principal(r)
		pg := readPaging(qs)
		filter, err := parseFilter(qs.Get("filter"), p)
		if err != nil {
			return core.NewError(core.KindInvalid, core.CodeInvalidFilter)
		}
		sort, err := parseSort(qs.Get("sort"))
		if err != nil {
			return core.NewError(core.KindInvalid, core.CodeInvalidSort)
		}
		skipTotal, _ := strconv.ParseBool(qs.Get("skipTotal"))
		res, err := s.svc.ListUsers(r.Context(), p, c, core.UserQuery{
			Filter: filter, Sort: sort, Limit: pg.perPage, Offset: pg.offset(), SkipTotal: skipTotal,
		})
		if err != nil {
			return err
		}
		out := pg.list(res.Total, len(res.Users))
		for _, u := range res.Users {
			out.Items = append(out.Items, recordJSON(c, u, core.EmailVisibleTo(p, c, u)))
		}
		return respond(w, r, http.StatusOK, out)
	})
}
