package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/storetest"
	"github.com/google/go-cmp/cmp"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// openTest opens and migrates a fresh database in a temporary directory.
func openTest(t *testing.T) *DB {
	t.Helper()
	db, err := Open(t.Context(), filepath.Join(t.TempDir(), "data", "gatehouse.db"), Options{ReadConns: 3})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close = %v", err)
		}
	})
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	return db
}

func TestStore(t *testing.T) {
	storetest.Run(t, func(t *testing.T) core.Store { return openTest(t) })
}

func TestMigrate(t *testing.T) {
	ctx := t.Context()
	db, err := Open(ctx, filepath.Join(t.TempDir(), "g.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()

	before, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus = %v", err)
	}
	if len(before) == 0 || before[0].Applied || before[0].Version != 1 || before[0].Name != "00001_init.sql" {
		t.Errorf("status before Migrate = %+v, want 00001_init.sql pending", before)
	}
	for i := range 2 { // the second run must be a no-op
		if err := db.Migrate(ctx); err != nil {
			t.Fatalf("Migrate #%d = %v", i+1, err)
		}
	}
	after, err := db.MigrationStatus(ctx)
	if err != nil {
		t.Fatalf("MigrationStatus = %v", err)
	}
	if len(after) != len(before) {
		t.Fatalf("status lists %d migrations, before it listed %d", len(after), len(before))
	}
	for _, m := range after {
		if !m.Applied || m.AppliedAt.IsZero() {
			t.Errorf("migration %s after Migrate = %+v, want applied", m.Name, m)
		}
	}
	if err := db.InsertUser(ctx, core.User{ID: "u", CollectionID: "c", Created: time.Now(), Updated: time.Now()}); err != nil {
		t.Errorf("InsertUser after migrating twice = %v", err)
	}
}

// pragmas reads the connection settings every pool must carry.
func pragmas(t *testing.T, conn *sql.Conn) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range []string{"journal_mode", "foreign_keys", "busy_timeout", "synchronous", "query_only"} {
		var v string
		if err := conn.QueryRowContext(t.Context(), "PRAGMA "+p).Scan(&v); err != nil {
			t.Fatalf("PRAGMA %s = %v", p, err)
		}
		out[p] = v
	}
	return out
}

func TestPragmasOnEveryConnection(t *testing.T) {
	db := openTest(t)
	base := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "2000", "synchronous": "1"} // the default BusyTimeout
	pools := []struct {
		name      string
		pool      *sql.DB
		conns     int
		queryOnly string
	}{
		{"writer", db.writer, 1, "0"},
		{"reader", db.reader, 3, "1"},
	}
	for _, p := range pools {
		// Hold every connection of the pool at once, so each one is
		// checked, not the same idle one n times.
		var conns []*sql.Conn
		for range p.conns {
			c, err := p.pool.Conn(t.Context())
			if err != nil {
				t.Fatal(err)
			}
			conns = append(conns, c)
		}
		for i, c := range conns {
			want := map[string]string{"query_only": p.queryOnly}
			for k, v := range base {
				want[k] = v
			}
			if diff := cmp.Diff(want, pragmas(t, c)); diff != "" {
				t.Errorf("%s connection %d pragmas (-want +got):\n%s", p.name, i, diff)
			}
			c.Close()
		}
	}
}

func TestReaderCannotWrite(t *testing.T) {
	db := openTest(t)
	_, err := db.reader.ExecContext(t.Context(),
		`INSERT INTO signing_keys (id, algorithm, private, public, created) VALUES ('k', 'EdDSA', x'00', x'00', 1)`)
	if err == nil {
		t.Fatal("a write through the reader pool succeeded")
	}
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_READONLY {
		t.Errorf("write on reader = %v, want SQLITE_READONLY", err)
	}
}

func TestReaderSeesCommittedWrite(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	// Open every reader connection before the write, so the read below
	// cannot be served by a connection opened after it.
	var conns []*sql.Conn
	for range 3 {
		c, err := db.reader.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		var n int
		if err := c.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil || n != 0 {
			t.Fatalf("count before write = %d, %v", n, err)
		}
		conns = append(conns, c)
	}
	for _, c := range conns {
		c.Close()
	}
	wantUser := core.User{ID: "u1", CollectionID: core.UsersID, Email: "a@example.com",
		Created: time.UnixMilli(1), Updated: time.UnixMilli(2)}
	if err := db.InTx(ctx, func(q core.Queries) error { return q.InsertUser(ctx, wantUser) }); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		got, err := db.UserByID(ctx, core.UsersID, "u1")
		if err != nil || got.Email != wantUser.Email {
			t.Errorf("read #%d after commit = %+v, %v", i, got, err)
		}
	}
}

func TestForeignKeysEnforcedOnWriter(t *testing.T) {
	db := openTest(t)
	_, err := db.writer.ExecContext(t.Context(), `INSERT INTO sessions (id, user_id, collection_id, created, expires)
		VALUES ('s', 'ghost', 'c', 1, 2)`)
	var se *sqlite.Error
	if !errors.As(err, &se) || se.Code() != sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY {
		t.Errorf("session for a missing user = %v, want SQLITE_CONSTRAINT_FOREIGNKEY", err)
	}
}

func TestTranslate(t *testing.T) {
	db := openTest(t)
	ctx := t.Context()
	insert := `INSERT INTO signing_keys (id, algorithm, private, public, created) VALUES ('k', 'EdDSA', x'00', x'00', 1)`
	if _, err := db.writer.ExecContext(ctx, insert); err != nil {
		t.Fatal(err)
	}
	_, dupErr := db.writer.ExecContext(ctx, insert)
	_, syntaxErr := db.writer.ExecContext(ctx, `INSERT INTO nowhere VALUES (1)`)
	tests := []struct {
		name          string
		err           error
		notFound, cnf bool
	}{
		{"no rows", sql.ErrNoRows, true, false},
		{"primary key", dupErr, false, true},
		{"other driver error", syntaxErr, false, false},
		{"context", context.Canceled, false, false},
	}
	for _, tc := range tests {
		got := translate(tc.err)
		if errors.Is(got, core.ErrNotFound) != tc.notFound || errors.Is(got, core.ErrConflict) != tc.cnf {
			t.Errorf("%s: translate(%v) = %v, want notFound=%v conflict=%v", tc.name, tc.err, got, tc.notFound, tc.cnf)
		}
		if !errors.Is(got, tc.err) {
			t.Errorf("%s: translate dropped the original error from the chain", tc.name)
		}
	}
	if translate(nil) != nil {
		t.Error("translate(nil) != nil")
	}
}

func TestOpenCreatesPrivateFiles(t *testing.T) {
	// Characters that mean something in a URI must not cut the path
	// short or be decoded.
	dir := filepath.Join(t.TempDir(), "we?ird #dir %41", "nested")
	path := filepath.Join(dir, "g.db")
	db, err := Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatalf("Open = %v", err)
	}
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatalf("Migrate = %v", err)
	}
	// SQLite gives the WAL files the main file's mode.
	for _, suffix := range []string{"-wal", "-shm"} {
		if fi, err := os.Stat(path + suffix); err != nil || fi.Mode().Perm() != 0o600 {
			t.Errorf("%s file: %v, %v, want mode 0600", suffix, fi, err)
		}
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatalf("database file not at %q: %v", path, err)
	}
	if fi.Size() == 0 || fi.Mode().Perm() != 0o600 {
		t.Errorf("database file: size %d, mode %v, want non-empty and 0600", fi.Size(), fi.Mode().Perm())
	}
	if di, err := os.Stat(dir); err != nil || di.Mode().Perm() != 0o700 {
		t.Errorf("directory: %v, %v, want mode 0700", di, err)
	}
	entries, err := os.ReadDir(filepath.Dir(filepath.Dir(dir)))
	if err != nil || len(entries) != 1 {
		t.Errorf("temp dir holds %v, %v, want only the one directory", entries, err)
	}

	// Reopening finds the migrated schema.
	db, err = Open(t.Context(), path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if n, err := db.CountUsers(t.Context(), core.UsersID); err != nil || n != 0 {
		t.Errorf("CountUsers after reopen = %d, %v", n, err)
	}
}

func TestOpenErrors(t *testing.T) {
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, path := range []string{"", filepath.Join(file, "g.db")} {
		if db, err := Open(t.Context(), path, Options{}); err == nil {
			db.Close()
			t.Errorf("Open(%q) succeeded, want an error", path)
		}
	}
}

func TestDSNPragmaOrder(t *testing.T) {
	for _, readOnly := range []bool{false, true} {
		d := dsn("/data/g.db", readOnly, 2500*time.Millisecond)
		u, err := url.Parse(d)
		if err != nil {
			t.Fatal(err)
		}
		want := []string{"busy_timeout(2500)", "journal_mode(WAL)", "synchronous(NORMAL)", "foreign_keys(ON)"}
		if readOnly {
			want = append(want, "query_only(1)")
		} else {
			want = append(want, "secure_delete(ON)")
		}
		if diff := cmp.Diff(want, u.Query()["_pragma"]); diff != "" {
			t.Errorf("dsn(readOnly=%v) pragmas (-want +got):\n%s", readOnly, diff)
		}
		if !strings.HasPrefix(d, "file:/data/g.db?") {
			t.Errorf("dsn = %q, want a file: URI of the path", d)
		}
	}
}

func TestInTxCommitsDespiteLateCancel(t *testing.T) {
	db := openTest(t)
	ctx, cancel := context.WithCancel(t.Context())
	err := db.InTx(ctx, func(q core.Queries) error {
		err := q.InsertSigningKey(ctx, core.SigningKey{ID: "k", Algorithm: "EdDSA",
			Private: []byte{1}, Public: []byte{2}, Created: time.UnixMilli(1)})
		cancel() // the caller goes away after fn's last write
		return err
	})
	if err != nil {
		t.Fatalf("InTx = %v", err)
	}
	if keys, err := db.SigningKeys(t.Context()); err != nil || len(keys) != 1 {
		t.Errorf("SigningKeys = %v, %v, want the committed key", keys, err)
	}
	// A cancelled context fails fast and leaves the writer usable.
	if err := db.InTx(ctx, func(core.Queries) error { return nil }); err == nil {
		t.Error("InTx with a cancelled context succeeded")
	}
	if err := db.EnqueueMail(t.Context(), core.OutboxMessage{ID: "m", To: "x", Created: time.UnixMilli(1)}); err != nil {
		t.Errorf("write after a cancelled InTx = %v", err)
	}
}
