package pocketbase_test

import (
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/google/go-cmp/cmp"
)

// auditKeys are an audit event's keys in wire order.
var auditKeys = []string{"actorCollectionId", "actorId", "details", "id", "ip", "targetCollectionId", "targetId", "time", "type", "userAgent"}

// auditEvent is one decoded audit event.
type auditEvent struct {
	ActorCollectionID  string            `json:"actorCollectionId"`
	ActorID            string            `json:"actorId"`
	Details            map[string]string `json:"details"`
	ID                 string            `json:"id"`
	IP                 string            `json:"ip"`
	TargetCollectionID string            `json:"targetCollectionId"`
	TargetID           string            `json:"targetId"`
	Time               string            `json:"time"`
	Type               string            `json:"type"`
	UserAgent          string            `json:"userAgent"`
}

// auditPage is one page of the audit log, checked and decoded.
type auditPage struct {
	pagedList
	events []auditEvent
	body   string
}

func (e *env) audit(t testing.TB, token, query string) auditPage {
	t.Helper()
	r := e.get(t, auditPath+query, token)
	l := checkList(t, r, auditKeys)
	p := auditPage{pagedList: l, body: r.body, events: make([]auditEvent, len(l.Items))}
	for i, raw := range l.Items {
		decode(t, string(raw), &p.events[i])
		ev := p.events[i]
		if !idPattern.MatchString(ev.ID) || !datePattern.MatchString(ev.Time) || ev.Type == "" || ev.Details == nil {
			t.Errorf("audit event %s malformed", raw)
		}
		if i > 0 && ev.Time > p.events[i-1].Time {
			t.Errorf("audit events not newest first: %s after %s", ev.Time, p.events[i-1].Time)
		}
	}
	return p
}

// auditScenario fills an env's audit log; it returns what the checks
// need to know.
type auditScenario struct {
	super, aliceID, bobID string
	mid                   time.Time // between the first and second half
	secrets               []string  // every password and token issued
}

func newAuditScenario(t *testing.T, e *env) auditScenario {
	t.Helper()
	var sc auditScenario
	step := func() { e.clock.Advance(time.Second) }
	sc.super, _ = e.superuser(t)
	step()
	sc.aliceID = e.signUp(t, "alice@example.com", "password123")
	step()
	r := e.do(t, request{method: http.MethodPost, path: rtLoginPath, body: loginBody("alice@example.com", "password123"),
		header: map[string]string{"User-Agent": "Auditor/1.0"}})
	ab := checkRTAuth(t, r)
	step()
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "wrong-password")), 400, msgFailedAuth, `{}`)
	step()
	wantError(t, e.post(t, loginPath, "", loginBody("nobody@example.com", "password123")), 400, msgFailedAuth, `{}`)
	step()
	bob, bobID := e.user(t, "bob@example.com")
	sc.bobID = bobID
	step()
	sc.mid = e.clock.Now()
	// Two more failures lock alice; then even her password fails.
	e.failLogins(t, "alice@example.com", 2)
	step()
	wantError(t, e.post(t, loginPath, "", loginBody("alice@example.com", "password123")), 400, msgFailedAuth, `{}`)
	step()
	wantStatus(t, e.post(t, usersRecords+"/"+sc.aliceID+"/unlock", sc.super, ""), http.StatusNoContent)
	step()
	alice := e.loginAs(t, "alice@example.com", "password123", "Auditor/1.0")
	step()
	wantStatus(t, e.del(t, sessionsPath+"/"+sid(t, ab.Token), alice), http.StatusNoContent)
	step()
	_, rt := e.loginRT(t, "alice@example.com", "password123")
	step()
	next := checkRTAuth(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`))
	step()
	wantError(t, e.post(t, rtExchange, "", `{"refreshToken":`+jsonString(rt)+`}`), 401, msgBadRefresh, `{}`)
	sc.secrets = []string{"$argon2", "password123", "wrong-password", rootPassword, sc.super, bob, alice,
		ab.Token, ab.Meta.RefreshToken, rt, next.Token, next.Meta.RefreshToken}
	return sc
}

func TestAuditLog(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 3, Window: time.Hour, Duration: time.Hour}
		s.RefreshReuseGrace = 0
	})
	sc := newAuditScenario(t, e)

	all := e.audit(t, sc.super, "")
	checkNoLeak(t, "audit log", response{body: all.body}, sc.secrets)
	n := len(all.events)
	if all.Page != 1 || all.PerPage != 30 || all.TotalItems != n || all.TotalPages != 1 || n < 12 {
		t.Fatalf("audit paging = page %d perPage %d total %d pages %d for %d events", all.Page, all.PerPage, all.TotalItems, all.TotalPages, n)
	}
	if all.events[0].Type != core.AuditRefreshReuse || all.events[0].TargetID != sc.aliceID {
		t.Errorf("newest event = %+v, want the refresh reuse", all.events[0])
	}
	byType := map[string][]auditEvent{}
	for _, ev := range all.events {
		byType[ev.Type] = append(byType[ev.Type], ev)
		if ev.IP != "127.0.0.1" && ev.Type != core.AuditSuperuserCreated { // that one came from the CLI
			t.Errorf("event %+v: ip %q, want 127.0.0.1", ev, ev.IP)
		}
	}
	for _, typ := range []string{core.AuditUserCreated, core.AuditLoginSuccess, core.AuditLoginFailure, core.AuditAccountLocked,
		core.AuditAccountUnlocked, core.AuditSessionRevoked, core.AuditRefreshReuse} {
		if len(byType[typ]) == 0 {
			t.Errorf("no %s event among %v", typ, all.body)
		}
	}
	reasons := map[string]auditEvent{}
	for _, ev := range byType[core.AuditLoginFailure] {
		reasons[ev.Details["reason"]] = ev
	}
	if got := reasons["bad_password"]; got.TargetID != sc.aliceID || got.Details["identity"] != "" {
		t.Errorf("bad_password event = %+v", got)
	}
	if got := reasons["unknown_identity"]; got.TargetID != "" || got.Details["identity"] != "nobody@example.com" {
		t.Errorf("unknown_identity event = %+v", got)
	}
	if got := reasons["locked"]; got.TargetID != sc.aliceID {
		t.Errorf("locked event = %+v (reasons %v)", got, reasons)
	}
	if got := byType[core.AuditAccountUnlocked]; len(got) != 1 || got[0].ActorID == "" || got[0].ActorID == sc.aliceID || got[0].TargetID != sc.aliceID {
		t.Errorf("unlock events = %+v, want one by the superuser about alice", got)
	}
	if ev := byType[core.AuditSessionRevoked]; len(ev) != 1 || ev[0].Details["reason"] != core.RevokedByUser || ev[0].ActorID != sc.aliceID {
		t.Errorf("session revoked events = %+v", ev)
	}
	var sawAgent bool
	for _, ev := range byType[core.AuditLoginSuccess] {
		sawAgent = sawAgent || (ev.TargetID == sc.aliceID && ev.UserAgent == "Auditor/1.0" && ev.TargetCollectionID == "_pb_users_auth_")
	}
	if !sawAgent {
		t.Errorf("no login.success of alice recorded with her User-Agent: %+v", byType[core.AuditLoginSuccess])
	}

	// Paging slices the same newest-first list.
	p2 := e.audit(t, sc.super, "?perPage=2&page=2")
	if p2.Page != 2 || p2.PerPage != 2 || p2.TotalItems != n || p2.TotalPages != (n+1)/2 || len(p2.events) != 2 ||
		p2.events[0].ID != all.events[2].ID || p2.events[1].ID != all.events[3].ID {
		t.Errorf("page 2 of 2 = %+v", p2.pagedList)
	}
	if last := e.audit(t, sc.super, "?perPage=2&page=999"); len(last.events) != 0 || last.TotalItems != n {
		t.Errorf("a page past the end = %+v", last.pagedList)
	}
}

func TestAuditFilters(t *testing.T) {
	t.Parallel()
	e := newSecEnv(t, func(s *core.Settings) {
		s.Lockout = core.LockoutPolicy{MaxFailures: 3, Window: time.Hour, Duration: time.Hour}
	})
	sc := newAuditScenario(t, e)
	n := e.audit(t, sc.super, "").TotalItems

	mine := e.audit(t, sc.super, "?user="+sc.aliceID)
	for _, ev := range mine.events {
		if ev.ActorID != sc.aliceID && ev.TargetID != sc.aliceID {
			t.Errorf("user filter let through %+v", ev)
		}
	}
	bobs := e.audit(t, sc.super, "?user="+sc.bobID)
	if len(mine.events) < 8 || len(bobs.events) != 2 || mine.TotalItems != len(mine.events) {
		t.Errorf("alice has %d events, bob %d (want ≥8 and 2: sign-up, login)", len(mine.events), len(bobs.events))
	}

	fails := e.audit(t, sc.super, "?type=login.failure")
	// Wrong password, unknown identity, two more wrong, locked.
	if len(fails.events) != 5 || fails.TotalItems != 5 {
		t.Errorf("login failures = %d events, want 5", len(fails.events))
	}
	for _, ev := range fails.events {
		if ev.Type != core.AuditLoginFailure || ev.Details["reason"] == "" || ev.Details["method"] != "password" {
			t.Errorf("login failure event %+v", ev)
		}
	}
	two := e.audit(t, sc.super, "?type=account.locked,account.unlocked&user="+sc.aliceID)
	if len(two.events) != 2 || two.events[0].Type != core.AuditAccountUnlocked || two.events[1].Type != core.AuditAccountLocked {
		t.Errorf("lock events = %+v", two.events)
	}
	if none := e.audit(t, sc.super, "?type=no.such.type"); none.TotalItems != 0 || len(none.events) != 0 {
		t.Errorf("unknown type matched %d events", none.TotalItems)
	}

	mid := sc.mid.UTC()
	for _, layout := range []string{"2006-01-02 15:04:05.000Z", time.RFC3339} {
		bound := url.QueryEscape(mid.Format(layout))
		after := e.audit(t, sc.super, "?from="+bound)
		before := e.audit(t, sc.super, "?to="+bound)
		if after.TotalItems+before.TotalItems != n || after.TotalItems == 0 || before.TotalItems == 0 {
			t.Errorf("%s: from %d + to %d events, want %d, both non-empty", layout, after.TotalItems, before.TotalItems, n)
		}
		for _, ev := range after.events {
			if ev.Time < mid.Format("2006-01-02 15:04:05.000Z") {
				t.Errorf("from=%s let through %s", mid, ev.Time)
			}
		}
		for _, ev := range before.events {
			if ev.Time >= mid.Format("2006-01-02 15:04:05.000Z") {
				t.Errorf("to=%s let through %s", mid, ev.Time)
			}
		}
	}
	window := "?from=" + url.QueryEscape(mid.Format(time.RFC3339)) + "&to=" + url.QueryEscape(mid.Add(time.Second).Format(time.RFC3339))
	types := map[string]int{}
	for _, ev := range e.audit(t, sc.super, window).events {
		types[ev.Type+" "+ev.Details["reason"]]++
	}
	if want := map[string]int{"login.failure bad_password": 2, "account.locked ": 1}; !cmp.Equal(types, want) {
		t.Errorf("the second after mid holds %v, want the two failures that locked alice and the lock", types)
	}
}

func TestAuditRejects(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	super, _ := e.superuser(t)
	user, _ := e.user(t, "alice@example.com")
	wantError(t, e.get(t, auditPath, ""), 401, msgNeedToken, `{}`)
	wantError(t, e.get(t, auditPath, "garbage"), 401, msgNeedToken, `{}`)
	wantError(t, e.get(t, auditPath, user), 403, msgNotAllowed, `{}`)
	wantError(t, e.get(t, auditPath+"?from=yesterday", super), 400, "Invalid from time.", `{}`)
	wantError(t, e.get(t, auditPath+"?to=2024-13-01", super), 400, "Invalid to time.", `{}`)
	wantError(t, e.get(t, auditPath+"?from=2025-01-02T00:00:00Z&to=2025-01-01T00:00:00Z", super), 400, "Invalid audit query.", `{}`)
	// Nonsense paging falls back to the defaults.
	p := e.audit(t, super, "?page=-3&perPage=abc")
	if p.Page != 1 || p.PerPage != 30 {
		t.Errorf("bad paging gave page %d perPage %d", p.Page, p.PerPage)
	}
	if p := e.audit(t, super, "?perPage=100000"); p.PerPage > 1000 {
		t.Errorf("perPage is not capped: %d", p.PerPage)
	}
	// Only GET.
	if r := e.post(t, auditPath, super, `{}`); r.status == http.StatusOK || !strings.Contains(r.body, `"status":`) {
		t.Errorf("POST /api/audit = %d %s", r.status, r.body)
	}
}
