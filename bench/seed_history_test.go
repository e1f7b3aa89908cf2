package main

import (
	"context"
	"database/sql"
	"os"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/hashing"
)

// TestSeededHistoryReadsBack seeds users and their history into a real
// migrated SQLite file, then reads it back through the store as the
// server does: every user has one live session with a refresh token, the
// audit log holds about eventsPerUser events per user of the server's
// types, and the listed users answer exactly what the sessions and audit
// scenarios expect.
func TestSeededHistoryReadsBack(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	path := migratedDB(t)
	h, err := hashing.New(hashing.Config{Memory: 64, Iterations: 1, Parallelism: 1})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(h.Close)
	argon, err := h.Hash(ctx, seedPassword)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	const users = 300
	if _, err := seedDatabase(ctx, path, seedSpec{users: users, argonHash: argon, now: now}); err != nil {
		t.Fatal(err)
	}
	if _, err := seedHistory(ctx, path, historySpec{users: users, argonHash: argon, now: now}); err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	count := func(q string) int {
		var n int
		if err := raw.QueryRowContext(ctx, q).Scan(&n); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		return n
	}
	var mode string
	if err := raw.QueryRowContext(ctx, "PRAGMA journal_mode").Scan(&mode); err != nil || mode != "wal" {
		t.Errorf("journal mode %q (%v), want wal", mode, err)
	}
	if n := count("SELECT COUNT(*) FROM sqlite_schema WHERE name = 'sqlite_stat1'"); n != 0 {
		t.Error("seeding left planner statistics behind; the server never makes any")
	}
	wantSessions := users + listedUsers*listedSessions
	if n := count("SELECT COUNT(*) FROM sessions"); n != wantSessions {
		t.Errorf("%d sessions, want %d", n, wantSessions)
	}
	if n := count("SELECT COUNT(*) FROM refresh_tokens r JOIN sessions s ON s.id = r.session_id"); n != wantSessions {
		t.Errorf("%d refresh tokens of sessions, want one per session (%d)", n, wantSessions)
	}
	if n := count("SELECT COUNT(*) FROM (SELECT user_id FROM sessions GROUP BY user_id HAVING COUNT(*) != 1 AND user_id NOT LIKE 'benchlist%')"); n != 0 {
		t.Errorf("%d seeded users without exactly one session", n)
	}
	if n := count("SELECT COUNT(*) FROM pragma_index_list('audit_events')"); n < 5 {
		t.Errorf("audit_events has %d indexes after seeding, want its migrations' (and its primary key's)", n)
	}

	_, db, _ := serviceOn(t, path, h)
	all, err := db.ListAuditEvents(ctx, core.AuditQuery{})
	if err != nil {
		t.Fatal(err)
	}
	if want := users*eventsPerUser + listedUsers*listedEvents; all.Total < want || all.Total > want+5 {
		t.Errorf("%d audit events, want %d (and the superuser's)", all.Total, want)
	}
	types := map[string]int{}
	for _, e := range all.Events {
		types[e.Type]++
		if e.Time.After(now) || e.Time.Before(now.Add(-historyDays*24*time.Hour-listedUsers*time.Second)) {
			t.Fatalf("event %s at %v: outside the last %d days", e.ID, e.Time, historyDays)
		}
		if !coreID.MatchString(e.ID) || e.TargetID == "" {
			t.Fatalf("event %+v: bad id or no target", e)
		}
	}
	if types[core.AuditLoginSuccess] < users*eventsPerUser/2 || types[core.AuditLoginFailure] == 0 || types[core.AuditSessionRevoked] == 0 {
		t.Errorf("event types %v: want mostly login.success, some login.failure and session.revoked", types)
	}

	u, err := db.UserByEmail(ctx, core.UsersID, userEmail(17))
	if err != nil {
		t.Fatal(err)
	}
	if list, err := db.ListUserSessions(ctx, u.ID, now); err != nil || len(list) != 1 || !slices.Equal(list[0].AMR, []string{"pwd"}) {
		t.Errorf("a seeded user's live sessions: %+v (%v), want one password session", list, err)
	}
	for _, i := range []int{0, listedUsers - 1} {
		lu, err := db.UserByEmail(ctx, core.UsersID, listedEmail(i))
		if err != nil || lu.ID != listedID(i) || lu.PasswordHash != argon {
			t.Fatalf("listed user %d: %+v (%v)", i, lu, err)
		}
		if list, err := db.ListUserSessions(ctx, lu.ID, now); err != nil || len(list) != listedSessions {
			t.Errorf("listed user %d: %d live sessions (%v), want %d", i, len(list), err, listedSessions)
		}
		// auditPath's query: the user's logins of the last 30 days.
		page, err := db.ListAuditEvents(ctx, core.AuditQuery{UserID: lu.ID, Types: []string{core.AuditLoginSuccess, core.AuditLoginFailure},
			From: now.Add(-auditWindow), Limit: 20})
		if err != nil || page.Total != 5 || len(page.Events) != 5 {
			t.Errorf("listed user %d: audit query answered %d of %d (%v), want 5", i, len(page.Events), page.Total, err)
		}
	}
}

// TestSeedHistoryTiming times seeding a large dataset by hand:
// BENCH_SEED_USERS=1000000 go test -run SeedHistoryTiming -v ./bench.
func TestSeedHistoryTiming(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("BENCH_SEED_USERS"))
	if n == 0 {
		t.Skip("set BENCH_SEED_USERS to time seeding")
	}
	ctx := context.Background()
	path := migratedDB(t)
	if keep := os.Getenv("BENCH_SEED_KEEP"); keep != "" {
		// Keep the seeded file for a look with EXPLAIN QUERY PLAN.
		defer func() { _ = os.Rename(path, keep) }()
	}
	now := time.Now()
	took, err := seedDatabase(ctx, path, seedSpec{users: n, argonHash: "x", now: now})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d users: %s", n, took)
	took, err = seedHistory(ctx, path, historySpec{users: n, argonHash: "x", now: now})
	if err != nil {
		t.Fatal(err)
	}
	st, _ := os.Stat(path)
	t.Logf("history: %s; data.db %d MB", took, st.Size()>>20)
}
