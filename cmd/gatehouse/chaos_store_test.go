package main

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
)

// storeView reads a node's database directly, past the server, for the
// invariants no API shows (how many successors a refresh token has, what
// is left in the outbox). It only reads.
type storeView struct {
	db *sql.DB
	pg bool
}

// openStoreView opens n's database: its PostgreSQL schema, or the SQLite
// file in its data directory (readable while the server runs: WAL mode).
func openStoreView(t testing.TB, n *chaosNode) *storeView {
	t.Helper()
	driver, dsn := "sqlite", "file:"+filepath.Join(n.Dir, "data.db")+"?_pragma=busy_timeout(10000)"
	if n.DB != "" {
		driver, dsn = "pgx", n.DB
	}
	db, err := sql.Open(driver, dsn)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return &storeView{db: db, pg: n.DB != ""}
}

// rebind numbers the ? placeholders for PostgreSQL.
func (v *storeView) rebind(q string) string {
	if !v.pg {
		return q
	}
	for i := 1; strings.Contains(q, "?"); i++ {
		q = strings.Replace(q, "?", fmt.Sprintf("$%d", i), 1)
	}
	return q
}

// strings runs a query whose rows are one text column and returns them;
// placeholders are written ?.
func (v *storeView) strings(t testing.TB, q string, args ...any) []string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	rows, err := v.db.QueryContext(ctx, v.rebind(q), args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// count runs a query answering one number.
func (v *storeView) count(t testing.TB, q string, args ...any) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var n int
	if err := v.db.QueryRowContext(ctx, v.rebind(q), args...).Scan(&n); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return n
}

// users counts the accounts with an email (0 or 1: it is unique).
func (v *storeView) users(t testing.TB, email string) int {
	t.Helper()
	return v.count(t, "SELECT count(*) FROM users WHERE email = ?", email)
}

// checkRefreshChains checks the refresh_tokens table: no token has more
// than one successor, and each rotation is recorded on both sides (the
// parent names the child and the child names the parent, in the same
// session). It returns how many tokens there are.
func (v *storeView) checkRefreshChains(t testing.TB) int {
	t.Helper()
	for _, p := range v.strings(t, `SELECT parent_id FROM refresh_tokens WHERE parent_id <> ''
		GROUP BY parent_id HAVING count(*) > 1`) {
		kids := v.strings(t, "SELECT id FROM refresh_tokens WHERE parent_id = ?", p)
		t.Errorf("refresh token %s has %d successors: %v", p, len(kids), kids)
	}
	for _, id := range v.strings(t, `SELECT p.id FROM refresh_tokens p WHERE p.successor_id <> ''
		AND NOT EXISTS (SELECT 1 FROM refresh_tokens c
		  WHERE c.id = p.successor_id AND c.parent_id = p.id AND c.session_id = p.session_id)`) {
		t.Errorf("refresh token %s names a successor that does not name it back", id)
	}
	for _, id := range v.strings(t, `SELECT c.id FROM refresh_tokens c
		JOIN refresh_tokens p ON p.id = c.parent_id WHERE p.successor_id <> c.id`) {
		t.Errorf("refresh token %s has a parent that names another successor", id)
	}
	if n := v.count(t, `SELECT count(*) FROM refresh_tokens
		WHERE (rotated_at IS NULL AND successor_id <> '') OR (rotated_at IS NOT NULL AND successor_id = '')`); n != 0 {
		t.Errorf("%d refresh tokens are half rotated (rotated_at without successor_id or the reverse)", n)
	}
	return v.count(t, "SELECT count(*) FROM refresh_tokens")
}

// unsentMail counts the outbox messages not yet delivered.
func (v *storeView) unsentMail(t testing.TB) int {
	t.Helper()
	return v.count(t, "SELECT count(*) FROM outbox WHERE sent_at IS NULL")
}

// errRecorder is a testing.TB whose Errorf is recorded rather than
// reported, for testing the checks themselves.
type errRecorder struct {
	testing.TB
	errs []string
}

func (r *errRecorder) Errorf(format string, args ...any) {
	r.errs = append(r.errs, fmt.Sprintf(format, args...))
}

// TestRefreshChainCheck shows checkRefreshChains catches each breach it
// looks for, so the crash scenarios' silence means something: a token
// with two successors, a successor that does not name its parent, a
// parent naming another successor, and a half-recorded rotation.
func TestRefreshChainCheck(t *testing.T) {
	t.Parallel()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(t.TempDir(), "chains.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	_, err = db.Exec(`CREATE TABLE refresh_tokens (id TEXT PRIMARY KEY, session_id TEXT NOT NULL,
		parent_id TEXT NOT NULL DEFAULT '', rotated_at INTEGER, successor_id TEXT NOT NULL DEFAULT '')`)
	if err != nil {
		t.Fatal(err)
	}
	v := &storeView{db: db}
	insert := func(id, session, parent string, rotated bool, successor string) {
		var at any
		if rotated {
			at = 1
		}
		if _, err := db.Exec("INSERT INTO refresh_tokens VALUES (?, ?, ?, ?, ?)", id, session, parent, at, successor); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, want int) {
		t.Helper()
		r := &errRecorder{TB: t}
		v.checkRefreshChains(r)
		if len(r.errs) != want {
			t.Errorf("%s: %d findings, want %d: %q", what, len(r.errs), want, r.errs)
		}
	}
	// A healthy chain a -> b -> c.
	insert("a", "s1", "", true, "b")
	insert("b", "s1", "a", true, "c")
	insert("c", "s1", "b", false, "")
	check("healthy chain", 0)
	// c forks: two children, of which c names one.
	_, _ = db.Exec("UPDATE refresh_tokens SET rotated_at = 1, successor_id = 'd1' WHERE id = 'c'")
	insert("d1", "s1", "c", false, "")
	insert("d2", "s1", "c", false, "")
	check("a token with two successors", 2) // the fork, and d2's parent naming d1
	_, _ = db.Exec("DELETE FROM refresh_tokens WHERE id = 'd2'")
	// A rotation recorded on the parent only.
	insert("e", "s2", "", true, "f")
	check("successor missing", 1)
	// A rotation without its successor id.
	insert("g", "s3", "", true, "")
	check("successor missing and a half rotation", 2)
}
