package pocketbase

import (
	"net/http"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// auditJSON renders one audit event.
func auditJSON(e core.AuditEvent) map[string]any {
	details := e.Details
	if details == nil {
		details = map[string]string{}
	}
	return map[string]any{
		"id":                 e.ID,
		"time":               formatTime(e.Time),
		"type":               e.Type,
		"actorId":            e.ActorID,
		"actorCollectionId":  e.ActorCollection,
		"targetId":           e.TargetID,
		"targetCollectionId": e.TargetCollection,
		"ip":                 e.IP,
		"userAgent":          e.UserAgent,
		"details":            details,
	}
}

// handleAudit answers GET /api/audit for superusers:
// ?user=&type=a,b&from=&to=&page=&perPage=, newest first, as a
// PocketBase-style list.
func (s *server) handleAudit() http.Handler {
	return s.handle("", func(w http.ResponseWriter, r *http.Request) error {
		p := principal(r)
		if err := core.RequireSuperuser(p); err != nil {
			return err
		}
		qs := r.URL.Query()
		pg := readPaging(qs)
		q := core.AuditQuery{UserID: qs.Get("user"), Limit: pg.perPage, Offset: pg.offset()}
		if t := qs.Get("type"); t != "" {
			q.Types = strings.Split(t, ",")
		}
		var err error
		if q.From, err = auditTimeParam("from", qs.Get("from")); err != nil {
			return err
		}
		if q.To, err = auditTimeParam("to", qs.Get("to")); err != nil {
			return err
		}
		res, err := s.svc.ListAudit(r.Context(), p, q)
		if err != nil {
			return err
		}
		out := pg.list(res.Total, len(res.Events))
		for _, e := range res.Events {
			out.Items = append(out.Items, auditJSON(e))
		}
		return respond(w, r, http.StatusOK, out)
	})
}

// auditTimeParam parses a from/to bound in PocketBase's datetime format
// or RFC 3339; "" is unbounded. The error names the parameter, never
// echoes the input.
func auditTimeParam(name, v string) (time.Time, error) {
	if v == "" {
		return time.Time{}, nil
	}
	t, err := parseFilterTime(v)
	if err != nil {
		return time.Time{}, &pbError{status: 400, message: "Invalid " + name + " time."}
	}
	return t, nil
}
