package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// The sessions and audit scenarios read the history seeded for the
// listed users (seed_history.go), as a superuser's console does: one
// user's sessions, and one user's recent logins from the audit log. The
// listed users are the same on every dataset and nothing else logs them
// in, so each request answers the same rows on the small dataset and on
// the large one, and only the tables around them differ in size.

// adminEmail is the superuser the bench creates on every dataset.
const adminEmail = "bench-admin@bench.local"

// auditWindow is how far back the audit scenario's query looks.
const auditWindow = 30 * 24 * time.Hour

// adminTokens holds one superuser token per dataset's server.
var adminTokens sync.Map // *population -> string

// adminToken logs the dataset's superuser in once and returns the token.
func adminToken(ctx context.Context, h *harness) (string, error) {
	if t, ok := adminTokens.Load(h.pop); ok {
		return t.(string), nil
	}
	req, err := h.api.postJSON(ctx, "/api/collections/"+core.SuperusersName+"/auth-with-password",
		map[string]string{"identity": adminEmail, "password": h.pop.adminPassword})
	if err != nil {
		return "", err
	}
	var out authAnswer
	status, err := h.api.do(req, &out)
	if err != nil || status != http.StatusOK || out.Token == "" {
		return "", fmt.Errorf("superuser login: status %d: %v", status, err)
	}
	adminTokens.Store(h.pop, out.Token)
	return out.Token, nil
}

// getWithToken sends GET path with token and returns the status; into,
// when not nil, receives the decoded JSON body of a 200 answer.
func (a *api) getWithToken(ctx context.Context, path, token string, into any) (int, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, a.base+path, nil)
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", token)
	return a.do(req, into)
}

// sessionsPath lists the i-th listed user's sessions.
func sessionsPath(i int) string {
	return "/api/collections/users/records/" + listedID(i) + "/sessions"
}

// auditPath is the audit query for the i-th listed user: their logins
// and failed logins since from, newest first, 20 a page.
func auditPath(i int, from time.Time) string {
	q := url.Values{"user": {listedID(i)}, "type": {core.AuditLoginSuccess + "," + core.AuditLoginFailure},
		"from": {from.UTC().Format(time.RFC3339)}, "perPage": {"20"}}
	return "/api/audit?" + q.Encode()
}

// historyLoad builds a load that cycles through the listed users with
// the superuser's token, fetching path(i).
func historyLoad(path func(i int) string) loadMaker {
	return func(h *harness, a *api) mixedRequest {
		var next atomic.Uint64
		return single(func(ctx context.Context) (int, error) {
			token, err := adminToken(ctx, h)
			if err != nil {
				return 0, err
			}
			i := int(next.Add(1)-1) % listedUsers
			return a.getWithToken(ctx, path(i), token, nil)
		})
	}
}

// listCount fetches path once and returns totalItems, to note how many
// rows each request of the scenario reads.
func listCount(ctx context.Context, h *harness, path string) (int, error) {
	token, err := adminToken(ctx, h)
	if err != nil {
		return 0, err
	}
	var out struct {
		TotalItems int `json:"totalItems"`
	}
	status, err := h.api.getWithToken(ctx, path, token, &out)
	if err != nil || status != http.StatusOK {
		return 0, fmt.Errorf("GET %s: status %d: %v", path, status, err)
	}
	return out.TotalItems, nil
}

// runSessions measures listing one user's sessions: GET
// /api/collections/users/records/{id}/sessions as a superuser, cycling
// through the listed users (listedSessions live sessions each, among
// one per user of the dataset).
func runSessions(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "sessions"}
	n, err := listCount(ctx, h, sessionsPath(0))
	if err != nil {
		return rep, err
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("%s users: each listing answers %d sessions (a listed user's), from a sessions table of one live session per user",
		h.pop.label, n))
	return rep, h.measure(ctx, rep, "session listings", historyLoad(sessionsPath), 0)
}

// runAudit measures a filtered audit query: GET /api/audit for one
// listed user's login.success and login.failure events of the last 30
// days, as a superuser, cycling through the listed users.
func runAudit(ctx context.Context, h *harness) (*report, error) {
	rep := &report{Scenario: "audit"}
	from := time.Now().Add(-auditWindow)
	n, err := listCount(ctx, h, auditPath(0, from))
	if err != nil {
		return rep, err
	}
	rep.Notes = append(rep.Notes, fmt.Sprintf("%s users: each query answers %d events (one listed user's logins of the last %d days), from an audit log of about %d events per user",
		h.pop.label, n, int(auditWindow.Hours()/24), eventsPerUser))
	return rep, h.measure(ctx, rep, "audit queries", historyLoad(func(i int) string { return auditPath(i, from) }), 0)
}
