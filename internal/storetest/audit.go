package storetest

import (
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// Audit details: nil and an empty map are the same "no details", and a
// store returns nil for both, as it does for an empty AMR list.

// auditEvent builds an event at epoch+minutes with only the fields a
// query filters on, plus a detail naming it.
func auditEvent(id string, minutes int, typ, actor, target string) core.AuditEvent {
	return core.AuditEvent{
		ID: id, Time: at(time.Duration(minutes) * time.Minute), Type: typ,
		ActorID: actor, TargetID: target, Details: map[string]string{"n": id},
	}
}

// auditFixture stores events about users that were never created: the log
// holds no foreign keys. e3 and e4 share a time, so id breaks the tie.
func auditFixture(t *testing.T, s core.Store) []core.AuditEvent {
	t.Helper()
	events := []core.AuditEvent{
		auditEvent("e1", 1, core.AuditLoginFailure, "", "u1"),
		auditEvent("e2", 2, core.AuditLoginSuccess, "u1", "u1"),
		auditEvent("e4", 3, core.AuditPasswordChanged, "u2", "u2"),
		auditEvent("e3", 3, core.AuditSessionRevoked, "u1", "u2"),
		auditEvent("e5", 4, core.AuditImpersonation, "root", "u1"),
		auditEvent("e6", 5, core.AuditUserDeleted, "root", "u3"),
		auditEvent("e7", 6, core.AuditLoginFailure, "", "u2"),
	}
	for _, e := range events {
		if err := s.InsertAuditEvent(t.Context(), e); err != nil {
			t.Fatalf("InsertAuditEvent(%s) = %v", e.ID, err)
		}
	}
	return events
}

// listAudit returns the ids of one page and the total.
func listAudit(t *testing.T, s core.Store, q core.AuditQuery) ([]string, int) {
	t.Helper()
	page, err := s.ListAuditEvents(t.Context(), q)
	if err != nil {
		t.Fatalf("ListAuditEvents(%+v) = %v", q, err)
	}
	ids := make([]string, len(page.Events))
	for i, e := range page.Events {
		ids[i] = e.ID
	}
	return ids, page.Total
}

func testListAuditEvents(t *testing.T, s core.Store) {
	auditFixture(t, s)
	tests := []struct {
		name string
		q    core.AuditQuery
		want []string
	}{
		{"everything, newest first", core.AuditQuery{}, []string{"e7", "e6", "e5", "e4", "e3", "e2", "e1"}},
		{"user as actor or target", core.AuditQuery{UserID: "u1"}, []string{"e5", "e3", "e2", "e1"}},
		{"another user", core.AuditQuery{UserID: "u2"}, []string{"e7", "e4", "e3"}},
		{"actor only", core.AuditQuery{UserID: "root"}, []string{"e6", "e5"}},
		{"unknown user", core.AuditQuery{UserID: "ghost"}, []string{}},
		{"one type", core.AuditQuery{Types: []string{core.AuditLoginFailure}}, []string{"e7", "e1"}},
		{"two types", core.AuditQuery{Types: []string{core.AuditLoginSuccess, core.AuditLoginFailure}}, []string{"e7", "e2", "e1"}},
		{"unknown type", core.AuditQuery{Types: []string{"nope"}}, []string{}},
		{"empty types", core.AuditQuery{Types: []string{}}, []string{"e7", "e6", "e5", "e4", "e3", "e2", "e1"}},
		{"from is inclusive", core.AuditQuery{From: at(3 * time.Minute)}, []string{"e7", "e6", "e5", "e4", "e3"}},
		{"to is exclusive", core.AuditQuery{To: at(3 * time.Minute)}, []string{"e2", "e1"}},
		{"from and to", core.AuditQuery{From: at(2 * time.Minute), To: at(4 * time.Minute)}, []string{"e4", "e3", "e2"}},
		{"empty range", core.AuditQuery{From: at(3 * time.Minute), To: at(3 * time.Minute)}, []string{}},
		{"user and types", core.AuditQuery{UserID: "u1", Types: []string{core.AuditLoginFailure, core.AuditImpersonation}}, []string{"e5", "e1"}},
		{"user and range", core.AuditQuery{UserID: "u2", From: at(3 * time.Minute), To: at(6 * time.Minute)}, []string{"e4", "e3"}},
		{"all four", core.AuditQuery{UserID: "u1", From: at(2 * time.Minute), To: at(4 * time.Minute),
			Types: []string{core.AuditLoginSuccess, core.AuditSessionRevoked, core.AuditImpersonation}}, []string{"e3", "e2"}},
		{"hostile user id", core.AuditQuery{UserID: `u1' OR '1'='1`}, []string{}},
		{"hostile type", core.AuditQuery{Types: []string{`x') OR ('1'='1`}}, []string{}},
	}
	for _, tc := range tests {
		got, total := listAudit(t, s, tc.q)
		if diff := cmp.Diff(tc.want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", tc.name, diff)
		}
		if total != len(tc.want) {
			t.Errorf("%s: Total = %d, want %d", tc.name, total, len(tc.want))
		}
	}
}

// testAuditFilterCombinations runs every combination of the four filters
// against a plain reading of their meaning.
func testAuditFilterCombinations(t *testing.T, s core.Store) {
	events := auditFixture(t, s)
	userID, types := "u2", []string{core.AuditLoginFailure, core.AuditSessionRevoked, core.AuditPasswordChanged}
	from, to := at(2*time.Minute), at(6*time.Minute)
	for mask := range 16 {
		var q core.AuditQuery
		var name []string
		if mask&1 != 0 {
			q.UserID, name = userID, append(name, "user")
		}
		if mask&2 != 0 {
			q.Types, name = types, append(name, "types")
		}
		if mask&4 != 0 {
			q.From, name = from, append(name, "from")
		}
		if mask&8 != 0 {
			q.To, name = to, append(name, "to")
		}
		want := []string{}
		for _, e := range slices.Backward(sortedAudit(events)) {
			if (q.UserID == "" || e.ActorID == q.UserID || e.TargetID == q.UserID) &&
				(len(q.Types) == 0 || slices.Contains(q.Types, e.Type)) &&
				(q.From.IsZero() || !e.Time.Before(q.From)) &&
				(q.To.IsZero() || e.Time.Before(q.To)) {
				want = append(want, e.ID)
			}
		}
		got, total := listAudit(t, s, q)
		if diff := cmp.Diff(want, got); diff != "" || total != len(want) {
			t.Errorf("filters [%s]: total %d, want %d; ids (-want +got):\n%s", strings.Join(name, " "), total, len(want), diff)
		}
	}
}

// sortedAudit is events oldest first (time, then id).
func sortedAudit(events []core.AuditEvent) []core.AuditEvent {
	out := slices.Clone(events)
	slices.SortFunc(out, func(a, b core.AuditEvent) int {
		if c := a.Time.Compare(b.Time); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

func testListAuditEventsPaging(t *testing.T, s core.Store) {
	auditFixture(t, s)
	tests := []struct {
		q     core.AuditQuery
		want  []string
		total int
	}{
		{core.AuditQuery{Limit: 3}, []string{"e7", "e6", "e5"}, 7},
		{core.AuditQuery{Limit: 3, Offset: 3}, []string{"e4", "e3", "e2"}, 7},
		{core.AuditQuery{Limit: 3, Offset: 6}, []string{"e1"}, 7},
		{core.AuditQuery{Limit: 3, Offset: 7}, []string{}, 7},
		{core.AuditQuery{Limit: 3, Offset: 100}, []string{}, 7},
		{core.AuditQuery{Offset: 5}, []string{"e2", "e1"}, 7},
		{core.AuditQuery{Limit: 100}, []string{"e7", "e6", "e5", "e4", "e3", "e2", "e1"}, 7},
		{core.AuditQuery{UserID: "u1", Limit: 2}, []string{"e5", "e3"}, 4},
		{core.AuditQuery{UserID: "u1", Limit: 2, Offset: 2}, []string{"e2", "e1"}, 4},
		{core.AuditQuery{Types: []string{core.AuditLoginFailure}, Limit: 1, Offset: 1}, []string{"e1"}, 2},
	}
	for _, tc := range tests {
		got, total := listAudit(t, s, tc.q)
		if diff := cmp.Diff(tc.want, got); diff != "" || total != tc.total {
			t.Errorf("ListAuditEvents(%+v): total %d, want %d; ids (-want +got):\n%s", tc.q, total, tc.total, diff)
		}
	}
	for _, q := range []core.AuditQuery{{Limit: -1}, {Offset: -1}} {
		if _, err := s.ListAuditEvents(t.Context(), q); err == nil {
			t.Errorf("ListAuditEvents(%+v) succeeded, want an error", q)
		}
	}
}

func testAuditEventRoundTrip(t *testing.T, s core.Store) {
	ctx := t.Context()
	full := core.AuditEvent{
		ID: "full", Time: at(time.Minute), Type: core.AuditImpersonation,
		ActorID: "root1", ActorCollection: core.SuperusersID,
		TargetID: "u1", TargetCollection: core.UsersID,
		IP: "2001:db8::1", UserAgent: `curl/8.0 "quoted" 😀`,
		Details: map[string]string{"session": "s1", "": "empty key", "empty": ""},
	}
	hostileDetails := map[string]string{}
	for i, h := range hostile() {
		hostileDetails[h] = h
		hostileDetails[fmt.Sprint("k", i)] = `{"json":` + h + `}`
	}
	weird := core.AuditEvent{ID: "hostile", Time: at(2 * time.Minute), Type: "x", Details: hostileDetails}
	for i, h := range hostile() {
		weird.UserAgent += h
		if i == 0 {
			weird.ActorID, weird.IP = h, h
		}
	}
	bare := core.AuditEvent{ID: "bare", Time: at(3 * time.Minute), Type: core.AuditLoginFailure}
	empty := core.AuditEvent{ID: "empty", Time: at(4 * time.Minute), Type: core.AuditLoginFailure, Details: map[string]string{}}
	for _, e := range []core.AuditEvent{full, weird, bare, empty} {
		wantOK(t, "InsertAuditEvent", s.InsertAuditEvent(ctx, e))
	}
	wantErr(t, "InsertAuditEvent with a taken id", s.InsertAuditEvent(ctx, bare), core.ErrConflict)

	page, err := s.ListAuditEvents(ctx, core.AuditQuery{})
	wantOK(t, "ListAuditEvents", err)
	empty.Details = nil // empty details read back as nil
	if diff := cmp.Diff([]core.AuditEvent{empty, bare, weird, full}, page.Events); diff != "" {
		t.Errorf("audit events round trip (-want +got):\n%s", diff)
	}
	for _, e := range page.Events {
		if e.Time.Location() != time.UTC {
			t.Errorf("event %s time is in %v, want UTC", e.ID, e.Time.Location())
		}
	}
}

func testAuditSurvivesUserDeletion(t *testing.T, s core.Store) {
	ctx := t.Context()
	insertUser(t, s, user(core.UsersID, "u1", "a@example.com"))
	insertSession(t, s, session("s1", "u1"))
	byUser := auditEvent("by", 1, core.AuditPasswordChanged, "u1", "u1")
	about := auditEvent("about", 2, core.AuditUserDeleted, "root", "u1")
	for _, e := range []core.AuditEvent{byUser, about} {
		wantOK(t, "InsertAuditEvent", s.InsertAuditEvent(ctx, e))
	}
	wantOK(t, "DeleteUser", s.DeleteUser(ctx, core.UsersID, "u1"))

	page, err := s.ListAuditEvents(ctx, core.AuditQuery{UserID: "u1"})
	wantOK(t, "ListAuditEvents", err)
	if diff := cmp.Diff(core.AuditPage{Events: []core.AuditEvent{about, byUser}, Total: 2}, page); diff != "" {
		t.Errorf("events of a deleted user (-want +got):\n%s", diff)
	}
}
