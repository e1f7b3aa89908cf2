package httpapi

import (
	"context"
	"errors"
	"net/http"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// requestTimeoutRetryAfter is the wait suggested to a request that ran
// out of time: a store outage's, since the cause is usually the same (a
// slow or saturated database).
const requestTimeoutRetryAfter = 5 * time.Second

// ranOutOfTime reports whether r's context ended because its deadline
// passed (http.handler_timeout, set by Deadlines). A request that then
// fails unexpectedly failed because of it: the store call or wait that
// was cut short reports the deadline in its own words, or not at all.
func ranOutOfTime(r *http.Request) bool {
	return errors.Is(r.Context().Err(), context.DeadlineExceeded)
}

// timedOut is the answer to an unexpected failure of a request that ran
// out of time: unavailable with core.CodeRequestTimeout and Retry-After,
// which each surface words as its 503, rather than a 500. It is logged
// with its cause as a warning: the operator sees which call was slow.
func (rd Renderer) timedOut(r *http.Request, err error) *core.Error {
	if rd.Log != nil {
		rd.Log.WarnContext(r.Context(), "request ran out of http.handler_timeout", "request_id", RequestIDFrom(r.Context()), "err", err)
	}
	return &core.Error{Kind: core.KindUnavailable, Code: core.CodeRequestTimeout, RetryAfter: requestTimeoutRetryAfter, Cause: err}
}
