package httpapi

import "net/http"

// RouteMux registers a surface's routes on Mux. When OnRoute is set, each
// request first tells it the pattern it matched, so the metrics can label
// requests by route instead of by raw path (which carries ids and would
// make a label per record).
type RouteMux struct {
	Mux     *http.ServeMux
	OnRoute func(r *http.Request, pattern string)
}

// Handle registers h for pattern, as http.ServeMux.Handle does.
func (m RouteMux) Handle(pattern string, h http.Handler) {
	if m.OnRoute == nil {
		m.Mux.Handle(pattern, h)
		return
	}
	m.Mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		m.OnRoute(r, pattern)
		h.ServeHTTP(w, r)
	}))
}
