//go:build linux

package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
)

// tmpfsEnv makes a refused tmpfs mount a failure instead of a skip; CI
// sets it (.ci/run), so the full-disk test cannot silently not run there.
const tmpfsEnv = "GATEHOUSE_TEST_TMPFS"

// mountTmpfs mounts a tmpfs of size bytes on a fresh directory, unmounted
// when the test ends (after the servers using it stopped). Mounting needs
// root (CAP_SYS_ADMIN): without it the test is skipped with the reason,
// or fails when GATEHOUSE_TEST_TMPFS=1 demands it.
func mountTmpfs(t *testing.T, size int) string {
	t.Helper()
	dir := t.TempDir()
	if err := syscall.Mount("tmpfs", dir, "tmpfs", 0, fmt.Sprintf("size=%d,mode=0700", size)); err != nil {
		msg := fmt.Sprintf("cannot mount a tmpfs on %s (%v): the full-disk test needs root or CAP_SYS_ADMIN", dir, err)
		if os.Getenv(tmpfsEnv) == "1" {
			t.Fatal(msg + "; " + tmpfsEnv + "=1 demands it")
		}
		t.Skip(msg + "; set " + tmpfsEnv + "=1 to make this a failure")
	}
	t.Cleanup(func() {
		if err := syscall.Unmount(dir, syscall.MNT_DETACH); err != nil {
			t.Errorf("unmount %s: %v", dir, err)
		}
	})
	return dir
}

// fill writes a file in dir until the file system is full, and returns
// its path.
func fill(t *testing.T, dir string) string {
	t.Helper()
	path := filepath.Join(dir, "filler")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	chunk := make([]byte, 64<<10)
	for {
		if _, err := f.Write(chunk); err != nil {
			if !errors.Is(err, syscall.ENOSPC) {
				t.Fatalf("filling %s: %v", dir, err)
			}
			break
		}
	}
	// The last partial chunk may have left a few bytes; take them too.
	for {
		if _, err := f.Write(chunk[:512]); err != nil {
			return path
		}
	}
}

// openDataDB opens the server's SQLite file directly (the server's own
// driver), closed when the test ends.
func openDataDB(t *testing.T, dataDir string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+filepath.Join(dataDir, "data.db")+"?_pragma=busy_timeout(5000)")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// fullDiskYAML lets the sign-up loop run past the per-IP limit, and
// shortens the Directus stalls.
const fullDiskYAML = directusFastYAML + `security:
  rate_limits:
    signup:
      per_ip: 1000/1m
`

// With the data directory's disk full, sign-ups and logins answer 503
// with Retry-After in each surface's format (never 500); health and
// readiness say so, /metrics counts it, and the log says it once. Once
// space is freed the same server serves again, and no refused request
// left anything behind.
func TestFullDisk(t *testing.T) {
	t.Parallel()
	mnt := mountTmpfs(t, 24<<20)
	dataDir := filepath.Join(mnt, "data")
	ts := startServerWith(t, fullDiskYAML, serverOpts{Dir: dataDir, SQLite: true})
	alice := ts.newAttackUser(t, "alice@example.com", "alice password 1")
	acked := []string{alice.Email}

	// Fold the WAL into the database and empty it, so that once the disk
	// is full the next write needs space it cannot get (a WAL with room
	// left would take a few more).
	if _, err := openDataDB(t, dataDir).ExecContext(t.Context(), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		t.Fatal(err)
	}
	filler := fill(t, mnt)

	const fullMsg = "The service cannot save data right now, try again later."
	signUp := func(email string) response {
		return ts.do(t, "POST", "/api/collections/users/records", map[string]any{
			"email": email, "password": "a long password", "passwordConfirm": "a long password",
		})
	}
	refused := ""
	for i := range 100 {
		email := fmt.Sprintf("early%d@example.com", i)
		r := signUp(email)
		if r.Status == 200 {
			acked = append(acked, email)
			continue
		}
		wantPocketBase503(t, "the first refused sign-up", r, fullMsg)
		refused = email
		break
	}
	if refused == "" {
		t.Fatal("100 sign-ups succeeded on a full disk")
	}
	if len(acked) > 1 {
		t.Logf("%d sign-ups fit in the space SQLite had left", len(acked)-1)
	}

	// Every write now answers 503, in each surface's own format.
	wantPocketBase503(t, "sign-up", signUp("late@example.com"), fullMsg)
	wantPocketBase503(t, "login", ts.loginAs(t, alice.Email, alice.Password), fullMsg)
	wantDirectus503(t, "Directus registration", ts.do(t, "POST", "/directus/users/register",
		map[string]any{"email": "dx@example.com", "password": "a long password"}))
	wantDirectus503(t, "Directus login", ts.do(t, "POST", "/directus/auth/login",
		map[string]any{"email": alice.Email, "password": alice.Password}))
	// Reads still work: a token check needs no space.
	ts.do(t, "GET", "/api/collections/users/records/"+alice.ID, nil, "Authorization", alice.Token).want(t, 200)

	wantPocketBase503(t, "health", ts.do(t, "GET", "/api/health", nil), fullMsg)
	ready := ts.do(t, "GET", "/readyz", nil)
	want503(t, "readiness", ready)
	if ready.str("status") != "unavailable" || ready.str("code") != "store_full" {
		t.Errorf("readiness = %s, want unavailable, store_full", ready.Raw)
	}
	metrics := ts.do(t, "GET", "/metrics", nil).want(t, 200).Raw
	for _, want := range []string{`gatehouse_condition_active{condition="store_full"} 1`, `gatehouse_unavailable_total{condition="store_full"} `} {
		if !strings.Contains(metrics, want) {
			t.Errorf("/metrics lacks %q", want)
		}
	}
	if strings.Contains(metrics, `gatehouse_unavailable_total{condition="store_full"} 0`) {
		t.Error("/metrics counts no store_full refusal")
	}

	// Space is freed: the same server serves again.
	if err := os.Remove(filler); err != nil {
		t.Fatal(err)
	}
	ts.waitReady(t, 20*time.Second)
	ts.do(t, "GET", "/api/health", nil).want(t, 200)
	// The refused sign-ups left nothing: their emails are free.
	for _, email := range []string{refused, "late@example.com"} {
		signUp(email).want(t, 200)
		acked = append(acked, email)
	}
	ts.loginAs(t, alice.Email, alice.Password).want(t, 200)
	ts.do(t, "POST", "/directus/users/register", map[string]any{"email": "dx@example.com", "password": "a long password"}).want(t, 204)
	acked = append(acked, "dx@example.com")
	ts.directusLogin(t, "/directus", alice.Email, alice.Password)

	if n := ts.logCount(`store unavailable: disk full`); n != 1 {
		t.Errorf("the log says %d times that the disk is full, want once", n)
	}
	if n := ts.logCount(`store available again`); n != 1 {
		t.Errorf("the log says %d times that the store is available again, want once", n)
	}
	if n := ts.logCount("status=500"); n != 0 {
		t.Errorf("the access log has %d answers 500, want none", n)
	}

	// Stopped, the database is whole and holds exactly the users whose
	// sign-up was acknowledged.
	ts.Stop(t)
	db := openDataDB(t, dataDir)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	var check string
	if err := db.QueryRowContext(ctx, "PRAGMA integrity_check").Scan(&check); err != nil || check != "ok" {
		t.Errorf("integrity_check = %q, %v", check, err)
	}
	rows, err := db.QueryContext(ctx, "PRAGMA foreign_key_check")
	if err != nil {
		t.Fatal(err)
	}
	if rows.Next() {
		t.Error("foreign_key_check found rows whose parent is missing")
	}
	rows.Close()
	rows, err = db.QueryContext(ctx, "SELECT email FROM users WHERE collection_id = ? ORDER BY email", core.UsersID)
	if err != nil {
		t.Fatal(err)
	}
	var stored []string
	for rows.Next() {
		var e string
		if err := rows.Scan(&e); err != nil {
			t.Fatal(err)
		}
		stored = append(stored, e)
	}
	rows.Close()
	slices.Sort(acked)
	if !slices.Equal(stored, acked) {
		t.Errorf("stored users %q, want exactly the acknowledged %q", stored, acked)
	}
}
