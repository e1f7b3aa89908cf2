package httpapi

import (
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
)

// Recover turns a panicking handler into a logged error and a 500.
//
// The panic is logged at error level with the request id and stack. If
// the response has not started, onPanic writes the surface's 500 (nil
// writes a bare 500 without a body). If it has started, the connection is
// aborted instead (by re-panicking with http.ErrAbortHandler): finishing
// the response normally would hand the client a truncated body that looks
// complete.
//
// http.ErrAbortHandler itself is not an error to log; it is re-panicked
// untouched so net/http aborts the connection as the handler asked.
func Recover(log *slog.Logger, onPanic func(w http.ResponseWriter, r *http.Request)) Middleware {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			tw := newTrackingWriter(w)
			defer func() {
				rec := recover()
				if rec == nil {
					return
				}
				if rec == http.ErrAbortHandler {
					panic(rec)
				}
				log.ErrorContext(r.Context(), "panic serving request",
					"request_id", RequestIDFrom(r.Context()),
					"method", r.Method,
					"path", r.URL.Path,
					"panic", fmt.Sprint(rec),
					"stack", string(debug.Stack()),
				)
				if tw.started() {
					panic(http.ErrAbortHandler)
				}
				if onPanic != nil {
					onPanic(w, r)
				} else {
					w.WriteHeader(http.StatusInternalServerError)
				}
			}()
			next.ServeHTTP(tw, r)
		})
	}
}
