package pocketbase

import (
	"net/http"
	"strconv"

	"github.com/gatehouse/gatehouse/internal/core"
)

// PocketBase's paging defaults.
const (
	defaultPerPage = 30
	maxPerPage     = 1000
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
		return respond(w, r, http.StatusOK, recordJSON(c, u, showEmailTo(p, c, u)))
	})
}

// handleListRecords answers GET /records?page=&perPage=&sort=&filter=&skipTotal=.
func (s *server) handleListRecords() http.Handler {
	return s.collectionRoute(msgNoRecordsContext, "", func(w http.ResponseWriter, r *http.Request, c *core.Collection) error {
		qs := r.URL.Query()
		p := principal(r)
		page, _ := strconv.Atoi(qs.Get("page"))
		perPage, _ := strconv.Atoi(qs.Get("perPage"))
		page = max(page, 1)
		if perPage <= 0 {
			perPage = defaultPerPage
		}
		perPage = min(perPage, maxPerPage)
		filter, err := parseFilter(qs.Get("filter"), p)
		if err != nil {
			return core.Errorf(core.KindInvalid, core.CodeValidation, "Invalid filter parameters.")
		}
		sort, err := parseSort(qs.Get("sort"))
		if err != nil {
			return core.Errorf(core.KindInvalid, core.CodeValidation, "Invalid sort parameters.")
		}
		skipTotal, _ := strconv.ParseBool(qs.Get("skipTotal"))
		if page > (1<<31)/perPage {
			page = (1 << 31) / perPage // keep the offset within any store's integer range
		}
		res, err := s.svc.ListUsers(r.Context(), p, c, core.UserQuery{
			Filter: filter, Sort: sort, Limit: perPage, Offset: (page - 1) * perPage, SkipTotal: skipTotal,
		})
		if err != nil {
			return err
		}
		out := listResponse{Items: make([]map[string]any, 0, len(res.Users)), Page: page, PerPage: perPage,
			TotalItems: res.Total, TotalPages: -1}
		if res.Total >= 0 {
			out.TotalPages = (res.Total + perPage - 1) / perPage
		}
		for _, u := range res.Users {
			out.Items = append(out.Items, recordJSON(c, u, showEmailTo(p, c, u)))
		}
		return respond(w, r, http.StatusOK, out)
	})
}
