package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// AccessLog logs one info line per request: method, path, status, bytes,
// duration, request id and client ip (plus aborted=true when the handler
// panicked past it).
//
// The query string is left out on purpose: it can carry tokens (OAuth2
// codes, reset links), and nothing secret belongs in logs. For the id and
// ip to appear, place AccessLog inside RequestID and ClientIP.
func AccessLog(log *slog.Logger) Middleware {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			// The request's start, when Deadlines (outermost) noted it:
			// a clock reading less.
			var start time.Time
			if info := infoFrom(r.Context()); info != nil {
				start = info.start
			}
			if start.IsZero() {
				start = time.Now()
			}
			tw := newTrackingWriter(w)
			// Log from a defer so a request whose handler aborts (panics
			// with http.ErrAbortHandler) is still recorded.
			completed := false
			defer func() {
				ctx := r.Context()
				h := log.Handler()
				if !h.Enabled(ctx, slog.LevelInfo) {
					return
				}
				// The record is made here rather than by Logger.LogAttrs:
				// one clock reading serves as its time and the end of the
				// duration, and no caller's pc is looked up (the line's
				// source would always be this function).
				end := time.Now()
				rec := slog.NewRecord(end, slog.LevelInfo, "http request", 0)
				rec.AddAttrs(
					slog.String("method", r.Method),
					slog.String("path", loggedPath(ctx, r.URL.Path)),
					slog.Int("status", tw.statusCode()),
					slog.Int64("bytes", tw.bytes),
					slog.Duration("duration", end.Sub(start)),
					slog.String("request_id", RequestIDFrom(ctx)),
					slog.String("client_ip", ClientIPFrom(ctx)),
				)
				if !completed {
					rec.AddAttrs(slog.Bool("aborted", true))
				}
				_ = h.Handle(ctx, rec)
			}()
			next.ServeHTTP(tw, r)
			completed = true
		})
	}
}

// redactedMark stands in the access log for a secret a path carried.
const redactedMark = "[redacted]"

// HideInLog keeps secret, a token that r carries in its path (a mailed
// link's one-time token), out of the access log: AccessLog writes the
// path with it replaced by [redacted]. A handler calls it before anything
// can fail, so a refused token is hidden as well as a spent one. Without
// a RequestID, ClientIP or Deadlines middleware outside, there is no log
// line to hide it from, and it does nothing.
func HideInLog(r *http.Request, secret string) {
	if info := infoFrom(r.Context()); info != nil && secret != "" {
		info.hidden.Store(&secret)
	}
}

// loggedPath is path with the request's hidden secret replaced.
func loggedPath(ctx context.Context, path string) string {
	info := infoFrom(ctx)
	if info == nil {
		return path
	}
	if secret := info.hidden.Load(); secret != nil {
		return strings.ReplaceAll(path, *secret, redactedMark)
	}
	return path
}
