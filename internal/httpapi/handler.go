package httpapi

import "net/http"

// HandlerFunc is a handler that returns its error instead of writing it,
// so every error of a surface takes one path: the surface's renderer.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Handle adapts fn to an http.Handler. When fn returns an error, onError
// renders it in the surface's format.
//
// onError is called for every error, so it can also log it. If fn had
// already started the response before failing, onError's writes are
// discarded: a second status line or a JSON error appended to a half
// sent body would only corrupt the response.
//
// Handle panics if onError is nil: that is a wiring mistake, found at
// startup, not a request-time condition.
func Handle(fn HandlerFunc, onError func(w http.ResponseWriter, r *http.Request, err error)) http.Handler {
	if fn == nil || onError == nil {
		panic("httpapi: Handle needs a handler and an error renderer")
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		tw := newTrackingWriter(w)
		err := fn(tw, r)
		if err == nil {
			return
		}
		if tw.started() {
			onError(discardWriter{header: http.Header{}}, r, err)
			return
		}
		onError(w, r, err)
	})
}

// discardWriter swallows a response that can no longer be sent.
type discardWriter struct{ header http.Header }

func (d discardWriter) Header() http.Header         { return d.header }
func (d discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d discardWriter) WriteHeader(int)             {}
