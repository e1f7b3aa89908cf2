package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// A dataset's history: besides its users, it holds what a server that
// has run for months holds, so the large dataset measures the cost of
// big sessions, refresh_tokens and audit_events tables as well as a big
// users table (issue 16's "1M users with 1M live sessions and 10M audit
// events").
//
//   - one live session per user (as a password login writes it: amr
//     ["pwd"], an address and a user agent, used some time in the last
//     week, expiring in the next two weeks), each with one unrotated
//     refresh token (a random 32-byte hash, as the Directus login
//     writes one);
//   - eventsPerUser audit events per user on average, of the types and
//     shapes the server writes (mostly login.success and login.failure,
//     then session.revoked, password and email changes, lockouts), each
//     about a user drawn at random, at a time spread evenly over the last
//     historyDays days;
//   - listedUsers extra users (listedEmail) that nothing but the sessions
//     and audit scenarios touch, each with exactly listedSessions live
//     sessions and listedEvents audit events, so a listing of one of them
//     answers the same rows on both datasets and only the size of the
//     tables around it differs.
//
// The rows are made inside SQLite by INSERT ... SELECT over a counter
// (no value crosses into Go per row), which writes 10M events in a
// fraction of the time bound parameters would; the audit table's
// secondary indexes are dropped for the load and built again afterwards
// from their own stored SQL (a sort rather than 10M random inserts). No
// ANALYZE: the server never runs one, so its planner works without
// statistics, and so must the bench's.
const (
	eventsPerUser  = 10
	historyDays    = 90
	listedUsers    = 200
	listedSessions = 3
	listedEvents   = 10
)

// listedID and listedEmail name the listed users: ids of core's shape
// (15 characters of [a-z0-9]), fixed so that every dataset has the same.
func listedID(i int) string    { return fmt.Sprintf("benchlist%06d", i) }
func listedEmail(i int) string { return fmt.Sprintf("listed%07d@bench.local", i) }

// historySpec is what seedHistory adds to a seeded database.
type historySpec struct {
	users     int    // seeded users (userEmail), for the event count
	argonHash string // the listed users' password hash
	now       time.Time
}

// randomIDSQL is an expression making a 15-character id of [0-9a-f], a
// subset of core's alphabet: random like core's, and as long.
const randomIDSQL = `substr(lower(hex(randomblob(8))), 1, 15)`

// sessionsSQL inserts one live session per user of bench_users, used in
// the last week, expiring within the next two.
const sessionsSQL = `INSERT INTO sessions (id, user_id, collection_id, created, last_used, expires, ip, user_agent, amr, aal)
SELECT ` + randomIDSQL + `, u.id, :coll, :now - 604800000 - (abs(random()) % 2592000000),
	:now - (abs(random()) % 604800000), :now + 86400000 + (abs(random()) % 1209600000),
	'10.' || (abs(random()) % 256) || '.' || (abs(random()) % 256) || '.' || (abs(random()) % 256),
	CASE abs(random()) % 3 WHEN 0 THEN :ua0 WHEN 1 THEN :ua1 ELSE :ua2 END, '["pwd"]', 1
FROM bench_users u`

// refreshSQL gives every session without a refresh token one, unrotated.
const refreshSQL = `INSERT INTO refresh_tokens (id, session_id, hash, created, expires)
SELECT ` + randomIDSQL + `, s.id, randomblob(32), s.created, s.expires FROM sessions s
WHERE NOT EXISTS (SELECT 1 FROM refresh_tokens r WHERE r.session_id = s.id)`

// eventsSQL inserts :n audit events, each about a user of bench_users
// drawn at random (:users of them), the i-th at a random time within
// the i-th :step ms after :from, so the events come in time order as the
// server appends them. Types follow a login-heavy mix out of 100: 70 login.success,
// 12 login.failure, 8 session.revoked, 3 password.changed, 3
// email.verified, 2 password.reset, 1 account.locked, 1 totp.enabled.
const eventsSQL = `WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < :n - 1),
e AS (SELECT abs(random()) % 100 AS k, 1 + abs(random()) % :users AS u, :from + i * :step + abs(random()) % :step AS t FROM n)
INSERT INTO audit_events (id, time, type, actor_id, actor_collection, target_id, target_collection, ip, user_agent, details)
SELECT ` + randomIDSQL + `, e.t,
	CASE WHEN e.k < 70 THEN 'login.success' WHEN e.k < 82 THEN 'login.failure' WHEN e.k < 90 THEN 'session.revoked'
		WHEN e.k < 93 THEN 'password.changed' WHEN e.k < 96 THEN 'email.verified' WHEN e.k < 98 THEN 'password.reset'
		WHEN e.k < 99 THEN 'account.locked' ELSE 'totp.enabled' END,
	CASE WHEN e.k BETWEEN 70 AND 81 THEN '' ELSE b.id END,
	CASE WHEN e.k BETWEEN 70 AND 81 THEN '' ELSE :coll END,
	b.id, :coll,
	'10.' || (e.t % 256) || '.' || (e.k * 7 % 256) || '.' || (e.u % 256),
	CASE e.u % 3 WHEN 0 THEN :ua0 WHEN 1 THEN :ua1 ELSE :ua2 END,
	CASE WHEN e.k < 70 THEN '{"method":"password","session":"' || ` + randomIDSQL + ` || '"}'
		WHEN e.k < 82 THEN '{"method":"password","reason":"invalid_credentials"}'
		WHEN e.k < 90 THEN '{"reason":"logout","session":"' || ` + randomIDSQL + ` || '"}'
		WHEN e.k BETWEEN 98 AND 98 THEN '{"failures":"5"}'
		ELSE '{}' END
FROM e JOIN bench_users b ON b.rowid = e.u`

// userAgents are the user agents sessions and events carry.
var userAgents = []any{
	sql.Named("ua0", "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36"),
	sql.Named("ua1", "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148"),
	sql.Named("ua2", "okhttp/4.12.0"),
}

// historyEventsTx is how many events one transaction inserts.
const historyEventsTx = 1_000_000

// seedHistory adds the history above to the migrated, user-seeded
// database at path and returns how long it took. It runs after
// seedDatabase, on the same file.
func seedHistory(ctx context.Context, path string, spec historySpec) (time.Duration, error) {
	start := time.Now()
	db, err := sql.Open("sqlite", seedDSN(path))
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1) // one connection: the temporary table lives on it
	now, coll := spec.now.UnixMilli(), core.UsersID
	step := func(what, query string, args ...any) error {
		if _, err := db.ExecContext(ctx, query, args...); err != nil {
			return fmt.Errorf("seed history: %s: %w", what, err)
		}
		return nil
	}
	// A bulk load: no rollback journal (a crash only loses a bench
	// dataset), a large page cache, sorts in memory and on a second
	// thread (the index builds); WAL comes back at the end, as the
	// server expects.
	if err := step("bulk mode", `PRAGMA journal_mode = OFF; PRAGMA cache_size = -1048576; PRAGMA temp_store = MEMORY; PRAGMA threads = 2`); err != nil {
		return 0, err
	}
	if err := seedListedUsers(ctx, db, spec); err != nil {
		return 0, err
	}
	// bench_users numbers the seeded users 1..n by rowid, for the
	// random draws; listed users are left out of it.
	if err := step("number users", `CREATE TEMP TABLE bench_users AS SELECT id FROM users
		WHERE collection_id = ? AND email LIKE 'user%@bench.local' ORDER BY created`, coll); err != nil {
		return 0, err
	}
	args := append([]any{sql.Named("coll", coll), sql.Named("now", now)}, userAgents...)
	if err := step("sessions", sessionsSQL, args...); err != nil {
		return 0, err
	}
	if err := step("refresh tokens", refreshSQL); err != nil {
		return 0, err
	}
	indexes, err := dropIndexes(ctx, db, "audit_events")
	if err != nil {
		return 0, err
	}
	span := int64(historyDays * 24 * time.Hour / time.Millisecond)
	total := spec.users * eventsPerUser
	stepMs := max(1, span/int64(max(total, 1)))
	for done := 0; done < total; done += historyEventsTx {
		n := min(total-done, historyEventsTx)
		from := now - span + int64(done)*stepMs
		ev := slices.Concat(args, []any{sql.Named("n", n), sql.Named("users", spec.users), sql.Named("from", from), sql.Named("step", stepMs)})
		if err := step("audit events", eventsSQL, ev...); err != nil {
			return 0, err
		}
	}
	for _, ix := range indexes {
		if err := step("index audit_events", ix); err != nil {
			return 0, err
		}
	}
	if err := step("drop bench_users", `DROP TABLE temp.bench_users`); err != nil {
		return 0, err
	}
	if err := step("back to WAL", `PRAGMA journal_mode = WAL`); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// dropIndexes drops table's explicit indexes and returns the SQL that
// makes them again, as the migrations wrote it.
func dropIndexes(ctx context.Context, db *sql.DB, table string) ([]string, error) {
	rows, err := db.QueryContext(ctx, `SELECT name, sql FROM sqlite_schema WHERE type = 'index' AND tbl_name = ? AND sql IS NOT NULL`, table)
	if err != nil {
		return nil, fmt.Errorf("seed history: list indexes: %w", err)
	}
	var names, stmts []string
	for rows.Next() {
		var name, stmt string
		if err := rows.Scan(&name, &stmt); err != nil {
			rows.Close()
			return nil, err
		}
		names, stmts = append(names, name), append(stmts, stmt)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, n := range names {
		if _, err := db.ExecContext(ctx, `DROP INDEX "`+strings.ReplaceAll(n, `"`, `""`)+`"`); err != nil {
			return nil, fmt.Errorf("seed history: drop index %s: %w", n, err)
		}
	}
	return stmts, nil
}

// seedListedUsers inserts the listed users with their sessions (each
// with a refresh token, added with everyone's) and exactly listedEvents
// audit events each, one a week apart within the last historyDays days:
// the rows the sessions and audit scenarios read.
func seedListedUsers(ctx context.Context, db *sql.DB, spec historySpec) error {
	now, coll := spec.now.UnixMilli(), core.UsersID
	ids := newIDSource(0x11573d)
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i := range listedUsers {
		id := listedID(i)
		created := now - int64(historyDays+i)*86_400_000
		if _, err := tx.ExecContext(ctx, `INSERT INTO users (id, collection_id, email, email_visibility, verified,
			password_hash, created, updated) VALUES (?, ?, ?, 0, 1, ?, ?, ?)`,
			id, coll, listedEmail(i), spec.argonHash, created, created); err != nil {
			return fmt.Errorf("seed listed users: %w", err)
		}
		for s := range listedSessions {
			used := now - int64(s+1)*3_600_000
			if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id, user_id, collection_id, created, last_used,
				expires, ip, user_agent, amr, aal) VALUES (?, ?, ?, ?, ?, ?, '10.1.2.3', ?, '["pwd"]', 1)`,
				ids.next(), id, coll, used-86_400_000, used, now+7*86_400_000, userAgents[s%3].(sql.NamedArg).Value); err != nil {
				return fmt.Errorf("seed listed sessions: %w", err)
			}
		}
		for e := range listedEvents {
			typ, actor, actorColl := core.AuditLoginSuccess, id, coll
			details := `{"method":"password","session":"` + ids.next() + `"}`
			if e%4 == 3 {
				typ, actor, actorColl = core.AuditLoginFailure, "", ""
				details = `{"method":"password","reason":"invalid_credentials"}`
			}
			if _, err := tx.ExecContext(ctx, `INSERT INTO audit_events (id, time, type, actor_id, actor_collection,
				target_id, target_collection, ip, user_agent, details) VALUES (?, ?, ?, ?, ?, ?, ?, '10.1.2.3', ?, ?)`,
				ids.next(), now-int64(e*7+1)*86_400_000-int64(i)*1000, typ, actor, actorColl, id, coll,
				userAgents[e%3].(sql.NamedArg).Value, details); err != nil {
				return fmt.Errorf("seed listed events: %w", err)
			}
		}
	}
	return tx.Commit()
}

// seedHistory seeds the dataset's history into srv's data.db and records
// it in info.
func (b *bench) seedHistory(ctx context.Context, srv *server, info *datasetInfo, spec seedSpec) error {
	b.progressf("seeding %d live sessions with refresh tokens and about %d audit events", spec.users+listedUsers, spec.users*eventsPerUser)
	took, err := seedHistory(ctx, filepath.Join(srv.dataDir, "data.db"), historySpec{users: spec.users, argonHash: spec.argonHash, now: spec.now})
	if err != nil {
		return err
	}
	info.Sessions = spec.users + listedUsers*listedSessions
	info.AuditEvents = spec.users*eventsPerUser + listedUsers*listedEvents
	info.HistorySec = took.Seconds()
	b.progressf("seeded the %s dataset's history in %.1f s", info.Label, took.Seconds())
	return nil
}

// historyText describes a dataset's seeded history for its summary line.
func historyText(d datasetInfo) string {
	if d.Sessions == 0 && d.AuditEvents == 0 {
		return ""
	}
	s := fmt.Sprintf(", then %d sessions and %d audit events in %.1f s", d.Sessions, d.AuditEvents, d.HistorySec)
	if d.Store != "" {
		s += ", copied to " + d.Store + " in " + fmt.Sprintf("%.1f s", d.CopySec)
	}
	return s
}
