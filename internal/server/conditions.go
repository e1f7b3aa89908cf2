package server

import (
	"context"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/httpapi"
	"github.com/gatehouse/gatehouse/internal/metrics"
)

// This file wires core's known temporary conditions (core.Conditions) to
// the outside: each refusal counted in /metrics, each start and end
// logged once, and GET /readyz for load balancers.

// newConditions returns the tracker the store and the service report to.
// probe is the store's readiness check; it is called only once the store
// is open.
func newConditions(log *slog.Logger, m *metrics.Metrics, probe func(ctx context.Context, write bool) error) *core.Conditions {
	return core.NewConditions(core.ConditionsOptions{
		Probe:     probe,
		OnFailure: m.Unavailable,
		OnChange: func(c core.ConditionChange) {
			m.SetCondition(c.Condition, c.Active)
			logCondition(log, c)
		},
	})
}

// logCondition writes the one line of a condition's start or end:
// "store unavailable: disk full" with the error that started it, then
// "store available again" with how long it lasted.
func logCondition(log *slog.Logger, c core.ConditionChange) {
	what, again := "store unavailable: ", "store available again"
	if !c.Condition.Store() {
		what, again = "", "password hashing available again"
	}
	if c.Active {
		log.Warn(what+c.Condition.Describe(), "condition", string(c.Condition), "err", c.Err)
		return
	}
	log.Info(again, "condition", string(c.Condition), "after", c.At.Sub(c.Since).Round(time.Millisecond))
}

// readyTimeout bounds the readiness check: a store that takes longer to
// answer a trivial read is not ready, and load balancers time out their
// probes after a few seconds.
const readyTimeout = 2 * time.Second

// readyResponse is the body of GET /readyz.
type readyResponse struct {
	// Status is "ready" or "unavailable".
	Status string `json:"status"`
	// Code is the error code of the reason (a store_* code, or
	// "internal" when the check failed otherwise); empty when ready.
	Code string `json:"code,omitempty"`
	// Conditions are the known temporary conditions in force, hashing
	// saturation included (which alone does not make the node unready).
	Conditions []core.Condition `json:"conditions"`
}

// readyHandler answers GET /readyz: 200 when the store answers and no
// store condition is in force, else 503 with Retry-After. It is the
// server's own endpoint, in no surface's dialect, for load balancers and
// orchestrators (see docs/deploy.md).
func readyHandler(conds *core.Conditions) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), readyTimeout)
		defer cancel()
		err := conds.Check(ctx)
		active := conds.Active()
		if active == nil {
			active = []core.Condition{}
		}
		w.Header().Set("Cache-Control", "no-store")
		if err == nil {
			_ = httpapi.WriteJSON(w, http.StatusOK, readyResponse{Status: "ready", Conditions: active})
			return
		}
		ce := core.AsError(err)
		if ce.Kind == core.KindInternal && ctx.Err() != nil && r.Context().Err() == nil {
			// The store did not answer the check within readyTimeout.
			ce = core.ConditionError(core.ConditionStoreTimeout)
		}
		retry := ce.RetryAfter
		if retry <= 0 {
			retry = 5 * time.Second
		}
		w.Header().Set("Retry-After", strconv.FormatInt(httpapi.RetryAfterSeconds(retry), 10))
		_ = httpapi.WriteJSON(w, http.StatusServiceUnavailable, readyResponse{Status: "unavailable", Code: ce.Code, Conditions: active})
	})
}

// conditionsRecheck is how often, while a condition is in force, the
// server checks by itself whether it is over, so the end is logged (and
// the gauge drops) even when no traffic comes.
const conditionsRecheck = 5 * time.Second

// WatchConditions re-checks the store every conditionsRecheck while a
// store condition is in force, until ctx ends.
func (a *App) WatchConditions(ctx context.Context) {
	conds := a.Conditions
	t := time.NewTicker(conditionsRecheck)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		for _, c := range conds.Active() {
			if c.Store() {
				cctx, cancel := context.WithTimeout(ctx, readyTimeout)
				_ = conds.Check(cctx) // its outcome reaches conds through the store
				cancel()
				break
			}
		}
	}
}
