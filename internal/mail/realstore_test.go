package mail

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/gatehouse/gatehouse/internal/core"
	"github.com/gatehouse/gatehouse/internal/postgres"
	"github.com/gatehouse/gatehouse/internal/sqlite"
)

// realStores are the stores the worker's crash tests run on: the fake,
// SQLite always, and PostgreSQL when GATEHOUSE_TEST_POSTGRES_DSN is set
// (a set but unreachable server fails the test, it never skips).
func realStores() []struct {
	name string
	open func(t *testing.T) core.OutboxStore
} {
	return []struct {
		name string
		open func(t *testing.T) core.OutboxStore
	}{
		{"fake", func(*testing.T) core.OutboxStore { return newFakeStore() }},
		{"sqlite", openSQLite},
		{"postgres", openPostgres},
	}
}

func openSQLite(t *testing.T) core.OutboxStore {
	t.Helper()
	db, err := sqlite.Open(t.Context(), filepath.Join(t.TempDir(), "data.db"), sqlite.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}

// openPostgres opens a migrated store on a fresh schema of the test
// server, dropped when the test ends.
func openPostgres(t *testing.T) core.OutboxStore {
	t.Helper()
	dsn := os.Getenv("GATEHOUSE_TEST_POSTGRES_DSN")
	if dsn == "" {
		t.Skip("GATEHOUSE_TEST_POSTGRES_DSN is not set: set it to a PostgreSQL URL (make test and CI do) to run on PostgreSQL")
	}
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		t.Fatalf("GATEHOUSE_TEST_POSTGRES_DSN must be a postgres:// URL for these tests")
	}
	b := make([]byte, 8)
	rand.Read(b)
	schema := "gh_mail_" + hex.EncodeToString(b)
	admin := func(sql string) {
		ctx, cancel := context.WithTimeout(context.WithoutCancel(t.Context()), 10*time.Second)
		defer cancel()
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatalf("connect to the test server: %v", err)
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, sql); err != nil {
			t.Fatalf("%s: %v", sql, err)
		}
	}
	admin("CREATE SCHEMA " + schema)
	t.Cleanup(func() { admin("DROP SCHEMA " + schema + " CASCADE") })
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	db, err := postgres.Open(t.Context(), u.String(), postgres.Options{MaxConns: 4})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(db.Close)
	if err := db.Migrate(t.Context()); err != nil {
		t.Fatal(err)
	}
	return db
}
