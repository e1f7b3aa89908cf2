package core

import (
	"context"
	"log/slog"
)

// audit appends an event through q (inside the caller's transaction when
// there is one, so the event commits with the change it records) and
// logs it as one structured line. The client comes from ctx.
func (s *Service) audit(ctx context.Context, q Queries, e AuditEvent) error {
	cl := ClientFrom(ctx)
	e.ID, e.Time, e.IP, e.UserAgent = NewID(), s.Now(), cl.IP, truncate(cl.UserAgent, 512)
	if err := q.InsertAuditEvent(ctx, e); err != nil {
		return err
	}
	attrs := []any{
		slog.String("type", e.Type), slog.String("actor", e.ActorID), slog.String("target", e.TargetID),
		slog.String("target_collection", e.TargetCollection), slog.String("ip", e.IP),
	}
	for k, v := range e.Details {
		attrs = append(attrs, slog.String(k, v))
	}
	s.log.InfoContext(ctx, "audit", attrs...)
	return nil
}

// byUser is an event whose actor and target are the same user.
func byUser(typ string, c *Collection, userID string, details map[string]string) AuditEvent {
	return AuditEvent{Type: typ, ActorID: userID, ActorCollection: c.ID, TargetID: userID, TargetCollection: c.ID, Details: details}
}

// byActor is an event by p (nil for the CLI or a guest) about user
// targetID of c.
func byActor(typ string, p *Principal, c *Collection, targetID string, details map[string]string) AuditEvent {
	e := AuditEvent{Type: typ, TargetID: targetID, TargetCollection: c.ID, Details: details}
	if p != nil {
		e.ActorID, e.ActorCollection = p.User.ID, p.Collection.ID
	}
	return e
}

// ListAudit returns audit events for a superuser.
func (s *Service) ListAudit(ctx context.Context, p *Principal, q AuditQuery) (AuditPage, error) {
	if err := RequireSuperuser(p); err != nil {
		return AuditPage{}, err
	}
	if q.Limit < 0 || q.Offset < 0 || (!q.From.IsZero() && !q.To.IsZero() && !q.From.Before(q.To)) {
		return AuditPage{}, NewError(KindInvalid, CodeInvalidAuditQuery)
	}
	page, err := s.store.ListAuditEvents(ctx, q)
	if err != nil {
		return AuditPage{}, Internal(err)
	}
	if page.Events == nil {
		page.Events = []AuditEvent{}
	}
	return page, nil
}
