package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
)

// scenario is one benchmark the harness can run.
type scenario struct {
	name  string
	about string
	run   func(ctx context.Context, h *harness) (*report, error)
}

// scaleScenario runs login, refresh, read, sessions and audit again on
// the large dataset.
const scaleScenario = "scale"

// scaleRuns are the scenarios the large dataset repeats.
var scaleRuns = []string{"login", "refresh", "read", "sessions", "audit"}

// scenarioOrder is the order a run takes them in: the bare handler
// alone first, then the standard dataset's scenarios on one server (the
// idle memory first, right after the sample's logins, and the idle
// connections before any load has grown the heap; the flood last, as it
// leaves the most garbage behind), then the large dataset on another.
var scenarioOrder = []string{
	"bare", "idlemem", "startup", "idleconns", "read", "refresh", "directus-refresh", "payload-me", "payload-refresh", "conduit-renew", "sessions", "audit", "mixed", "login", "login-bcrypt", "signup", "loginflood", scaleScenario, postgresScenario,
}

// scenarios lists every scenario by name.
func scenarios() map[string]scenario {
	list := []scenario{
		{"bare", "bare net/http handler with a fixed JSON body (bench/bareserver): the HTTP ceiling", runBare},
		{"idlemem", "no requests: the server's resident memory after the sample's logins and a few seconds of quiet", runIdleMem},
		{"startup", "gatehouse serve started 10 times on a copy of the standard data dir: exec to the first 200 from /api/health", runStartup},
		{"idleconns", "2,000 keep-alive connections, one GET /api/health each, then idle: the resident memory they add", runIdleConns},
		{"read", "GET /api/collections/users/records/{id} with the user's own token", runRead},
		{"refresh", "POST /api/collections/users/auth-refresh, each client chaining its newest token", runRefresh},
		{"directus-refresh", "POST /directus/auth/refresh in json mode, each client rotating its own chain", runDirectusRefresh},
		{"payload-me", "GET /payload/api/users/me with the user's own token (Authorization: JWT)", runPayloadMe},
		{"payload-refresh", "POST /payload/api/users/refresh-token, each client chaining its newest token", runPayloadRefresh},
		{"conduit-renew", "POST /conduit/authentication/renew (Authorization: Bearer), each client rotating its own chain", runConduitRenew},
		{"sessions", "GET /api/collections/users/records/{id}/sessions as a superuser: one user's sessions", runSessions},
		{"audit", "GET /api/audit as a superuser: one user's logins of the last 30 days", runAudit},
		{"mixed", "90% token-authenticated reads, 9% auth-refresh, 1% password login", runMixed},
		{"login", "auth-with-password of seeded argon2id users", runLogin},
		{"login-bcrypt", "first auth-with-password of imported bcrypt-10 users (verify, then rehash)", runLoginBcrypt},
		{"signup", "POST /api/collections/users/records with a new address each time", runSignup},
		{"loginflood", "authenticated reads alone, then beside a password-login flood at a multiple of the hashing ceiling", runLoginFlood},
		{scaleScenario, "login, refresh, read, sessions and audit again on a dataset of -big-users users, against the standard dataset", nil},
		{postgresScenario, "read, refresh, directus-refresh, login and signup again on PostgreSQL (-postgres), against SQLite; then two nodes on one database", nil},
	}
	m := map[string]scenario{}
	for _, s := range list {
		m[s.name] = s
	}
	return m
}

// resolveScenarios turns -scenario (a name, a comma-separated list, or
// "all") into the scenarios to run, in run order. "scale" brings the
// standard dataset's login, refresh and read along, to compare against.
func resolveScenarios(spec string) ([]string, error) {
	want := map[string]bool{}
	for name := range strings.SplitSeq(spec, ",") {
		name = strings.TrimSpace(name)
		switch _, ok := scenarios()[name]; {
		case name == "all":
			for _, n := range scenarioOrder {
				want[n] = true
			}
		case ok:
			want[name] = true
		default:
			return nil, fmt.Errorf("unknown scenario %q (have all, %s)", name, strings.Join(scenarioNames(), ", "))
		}
	}
	if want[scaleScenario] {
		for _, n := range scaleRuns {
			want[n] = true
		}
	}
	if want[postgresScenario] {
		for _, n := range postgresRuns {
			want[n] = true
		}
	}
	var out []string
	for _, n := range scenarioOrder {
		if want[n] {
			out = append(out, n)
		}
	}
	return out, nil
}

func scenarioNames() []string { return slices.Clone(scenarioOrder) }
