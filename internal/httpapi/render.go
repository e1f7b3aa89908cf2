package httpapi

import (
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// Answer is the wire answer a surface chose for one error: a status and
// a body written as JSON.
type Answer struct {
	Status int
	// Body is written with WriteJSON; nil writes the status alone.
	Body any
	// RetryAfter, when positive, is sent as Retry-After. For core errors
	// the renderer takes it from the error itself (see Renderer.Render);
	// a surface sets it only on answers to its own errors.
	RetryAfter time.Duration
}

// ErrorMapper is what a surface supplies to render errors: pure
// translations from an error to its wire answer. The Renderer does
// everything else (telling the errors apart, Retry-After, logging a 500
// with its request id), so no surface repeats or forgets it.
type ErrorMapper interface {
	// Own answers an error of the surface's own making (a wire error it
	// returns as is); ok is false for any other error.
	Own(r *http.Request, err error) (a Answer, ok bool)
	// Decode answers a body that could not be read.
	Decode(r *http.Request, de *DecodeError) Answer
	// Core answers a core error of any kind but internal.
	Core(r *http.Request, e *core.Error) Answer
	// Internal is the answer to anything unexpected. It must reveal
	// nothing: the cause is only logged.
	Internal() Answer
}

// Renderer renders a surface's errors through its mapper.
type Renderer struct {
	Log *slog.Logger
	Map ErrorMapper
}

// Render writes err. In order: the surface's own errors as the mapper
// answers them; bodies that could not be decoded; core errors by the
// mapper, with core's RetryAfter as the Retry-After header (a core error
// carries one only where telling the wait reveals nothing, so a mapper
// cannot disclose a lock by rendering errors by kind); and anything else,
// or a core error of kind internal, as the mapper's 500, its cause logged
// with the request id and never sent. An unexpected failure of a request
// whose context ran out of time is answered as core.CodeRequestTimeout
// (unavailable) instead of the 500.
func (rd Renderer) Render(w http.ResponseWriter, r *http.Request, err error) {
	if a, ok := rd.Map.Own(r, err); ok {
		WriteAnswer(w, a)
		return
	}
	var de *DecodeError
	if errors.As(err, &de) {
		WriteAnswer(w, rd.Map.Decode(r, de))
		return
	}
	e := core.AsError(err)
	if e.Kind == core.KindInternal && ranOutOfTime(r) {
		e = rd.timedOut(r, err)
	}
	if e.Kind == core.KindInternal {
		rd.internal(w, r, err)
		return
	}
	a := rd.Map.Core(r, e)
	a.RetryAfter = e.RetryAfter
	WriteAnswer(w, a)
}

// internal logs err with the request id and writes the 500.
func (rd Renderer) internal(w http.ResponseWriter, r *http.Request, err error) {
	if rd.Log != nil {
		rd.Log.ErrorContext(r.Context(), "request failed", "request_id", RequestIDFrom(r.Context()), "err", err)
	}
	WriteAnswer(w, rd.Map.Internal())
}

// WriteInternal writes the surface's 500 without logging: for Recover,
// which has logged the panic already.
func (rd Renderer) WriteInternal(w http.ResponseWriter, _ *http.Request) {
	WriteAnswer(w, rd.Map.Internal())
}

// WriteAnswer sends an answer: its Retry-After, rounded up to whole
// seconds (a client that waits exactly that long must not be refused
// again), and its body as JSON. A surface writing an error outside the
// Renderer's path (a middleware's refusal) sends it through this too.
func WriteAnswer(w http.ResponseWriter, a Answer) {
	if a.RetryAfter > 0 {
		w.Header().Set("Retry-After", strconv.FormatInt(RetryAfterSeconds(a.RetryAfter), 10))
	}
	if a.Body == nil {
		w.WriteHeader(a.Status)
		return
	}
	_ = WriteJSON(w, a.Status, a.Body)
}

// RetryAfterSeconds is d in whole seconds, rounded up, and at least one.
func RetryAfterSeconds(d time.Duration) int64 {
	return int64(max(time.Second, d+time.Second-1) / time.Second)
}
