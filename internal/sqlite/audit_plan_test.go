package sqlite

import (
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// An audit query for one user, whatever else it filters on, finds the
// user's events through the actor and target indexes: on a large log the
// type index would walk every event of the types in the time range.
func TestAuditQueryPlans(t *testing.T) {
	t.Parallel()
	db := openTest(t)
	now := time.Now()
	tests := []struct {
		q     core.AuditQuery
		index []string // indexes the plan must use
	}{
		{core.AuditQuery{UserID: "u1"}, []string{"audit_events_actor", "audit_events_target"}},
		{core.AuditQuery{UserID: "u1", Types: []string{core.AuditLoginSuccess, core.AuditLoginFailure}, From: now.Add(-time.Hour)},
			[]string{"audit_events_actor", "audit_events_target"}},
		{core.AuditQuery{UserID: "u1", Types: []string{core.AuditLoginFailure}, From: now.Add(-time.Hour), To: now},
			[]string{"audit_events_actor", "audit_events_target"}},
		{core.AuditQuery{UserID: "u1", Types: []string{core.AuditLoginFailure}}, []string{"audit_events_actor", "audit_events_target"}},
		// Without a user, the type index still serves a type filter.
		{core.AuditQuery{Types: []string{core.AuditLoginFailure}, From: now.Add(-time.Hour)}, []string{"audit_events_type"}},
	}
	for _, tt := range tests {
		where, args := auditWhere(tt.q)
		for _, query := range []string{
			`SELECT ` + auditCols + ` FROM audit_events WHERE ` + where + ` ORDER BY time DESC, id DESC LIMIT 20`,
			`SELECT COUNT(*) FROM audit_events WHERE ` + where,
		} {
			rows, err := db.reader.QueryContext(t.Context(), "EXPLAIN QUERY PLAN "+query, args...)
			if err != nil {
				t.Fatal(err)
			}
			var plan []string
			for rows.Next() {
				var id, parent, unused int
				var detail string
				if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
					t.Fatal(err)
				}
				plan = append(plan, detail)
			}
			rows.Close()
			got := strings.Join(plan, "\n")
			for _, ix := range tt.index {
				if !strings.Contains(got, "INDEX "+ix+" ") {
					t.Errorf("%+v: plan of %q:\n%s\nwant it to use %s", tt.q, query, got, ix)
				}
			}
			if strings.Contains(got, "SCAN audit_events") {
				t.Errorf("%+v: plan scans the table:\n%s", tt.q, got)
			}
		}
	}
}
