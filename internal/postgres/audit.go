package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/gatehouse/gatehouse/internal/core"

	"github.com/jackc/pgx/v5"
)

const auditCols = `id, time, type, actor_id, actor_collection, target_id, target_collection,
	ip, user_agent, details`

// InsertAuditEvent appends an event; a taken id wraps core.ErrConflict.
// Details are stored as a JSON object: nil and empty both read back as
// nil, and invalid UTF-8 in them is replaced by U+FFFD. The IP and user
// agent are recorded as storable text (see note).
func (q queries) InsertAuditEvent(ctx context.Context, e core.AuditEvent) error {
	if e.Time.IsZero() {
		return errors.New("postgres: insert audit event: zero time")
	}
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return fmt.Errorf("postgres: encode audit details: %w", err)
		}
		details = string(b)
	}
	_, err := q.exec(ctx, "insert audit event", `INSERT INTO audit_events (`+auditCols+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		e.ID, e.Time.UnixMilli(), e.Type, e.ActorID, e.ActorCollection, e.TargetID,
		e.TargetCollection, note(e.IP), note(e.UserAgent), details)
	return err
}

// ListAuditEvents returns one page of the events matching aq, newest
// first (time, then id, both descending), and how many match in all. The
// page and the total are read from one snapshot. Limit 0 means no limit;
// a negative Limit or Offset is an error.
func (q queries) ListAuditEvents(ctx context.Context, aq core.AuditQuery) (core.AuditPage, error) {
	if aq.Limit < 0 || aq.Offset < 0 {
		return core.AuditPage{}, errors.New("postgres: list audit events: negative limit or offset")
	}
	where, args := auditWhere(aq)
	var limit any // NULL: no limit
	if aq.Limit > 0 {
		limit = aq.Limit
	}
	n := len(args)
	pageArgs := slices.Concat(args, []any{limit, aq.Offset})
	var page core.AuditPage
	err := q.inTx(ctx, "list audit events", snapshot(), func(ctx context.Context, c querier) error {
		page.Events = []core.AuditEvent{}
		err := collect(ctx, c, `SELECT `+auditCols+` FROM audit_events WHERE `+where+
			` ORDER BY time DESC, id DESC LIMIT $`+strconv.Itoa(n+1)+` OFFSET $`+strconv.Itoa(n+2),
			pageArgs, scanAudit, &page.Events)
		if err != nil {
			return err
		}
		return c.QueryRow(ctx, `SELECT COUNT(*) FROM audit_events WHERE `+where, args...).Scan(&page.Total)
	})
	if err != nil {
		return core.AuditPage{}, err
	}
	return page, nil
}

// auditWhere builds the WHERE clause of an audit query from fixed SQL
// fragments; every value is a bound parameter.
func auditWhere(aq core.AuditQuery) (string, []any) {
	conds := []string{"TRUE"}
	var args []any
	arg := func(v any) string {
		args = append(args, v)
		return "$" + strconv.Itoa(len(args))
	}
	if aq.UserID != "" {
		p := arg(aq.UserID)
		conds = append(conds, "(actor_id = "+p+" OR target_id = "+p+")")
	}
	if len(aq.Types) > 0 {
		conds = append(conds, "type = ANY("+arg(aq.Types)+")")
	}
	if !aq.From.IsZero() {
		conds = append(conds, "time >= "+arg(aq.From.UnixMilli()))
	}
	if !aq.To.IsZero() {
		conds = append(conds, "time < "+arg(aq.To.UnixMilli()))
	}
	return strings.Join(conds, " AND "), args
}

func scanAudit(r pgx.Row) (core.AuditEvent, error) {
	var e core.AuditEvent
	var details string
	if err := r.Scan(&e.ID, msCol{&e.Time}, &e.Type, &e.ActorID, &e.ActorCollection,
		&e.TargetID, &e.TargetCollection, &e.IP, &e.UserAgent, &details); err != nil {
		return core.AuditEvent{}, err
	}
	if err := json.Unmarshal([]byte(details), &e.Details); err != nil {
		return core.AuditEvent{}, fmt.Errorf("decode audit details: %w", err)
	}
	if len(e.Details) == 0 {
		e.Details = nil
	}
	return e, nil
}
