package pocketbase

import (
	"net/url"
	"strconv"
)

// PocketBase's paging defaults.
const (
	defaultPerPage = 30
	maxPerPage     = 1000
)

// paging reads PocketBase's page and perPage parameters: a missing or
// nonsense page is 1, perPage defaults to 30 and is capped at 1000, and
// the offset is kept within any store's integer range.
type paging struct {
	page, perPage int
}

func readPaging(qs url.Values) paging {
	page, _ := strconv.Atoi(qs.Get("page"))
	perPage, _ := strconv.Atoi(qs.Get("perPage"))
	if perPage <= 0 {
		perPage = defaultPerPage
	}
	perPage = min(perPage, maxPerPage)
	page = min(max(page, 1), (1<<31)/perPage)
	return paging{page: page, perPage: perPage}
}

// offset is the number of items before this page.
func (p paging) offset() int { return (p.page - 1) * p.perPage }

// list starts a PocketBase list answer for total items (-1 when the
// total was skipped, which makes totalPages -1 too).
func (p paging) list(total, n int) listResponse {
	out := listResponse{Items: make([]map[string]any, 0, n), Page: p.page, PerPage: p.perPage, TotalItems: total, TotalPages: -1}
	if total >= 0 {
		out.TotalPages = (total + p.perPage - 1) / p.perPage
	}
	return out
}
