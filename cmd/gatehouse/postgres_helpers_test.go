package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"net/url"
	"os"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// backendPostgres reports whether the end-to-end tests run every server
// on PostgreSQL (GATEHOUSE_TEST_BACKEND=postgres; `make test` does so in
// a second pass when GATEHOUSE_TEST_POSTGRES_DSN is set).
func backendPostgres() bool { return os.Getenv("GATEHOUSE_TEST_BACKEND") == "postgres" }

// postgresDSN returns the test database, skipping the test when none is
// configured. When GATEHOUSE_TEST_BACKEND=postgres asks for PostgreSQL,
// a missing DSN fails instead: the run was meant to cover it.
func postgresDSN(t testing.TB) string {
	t.Helper()
	dsn := os.Getenv("GATEHOUSE_TEST_POSTGRES_DSN")
	if dsn == "" {
		if backendPostgres() {
			t.Fatal("GATEHOUSE_TEST_BACKEND=postgres needs GATEHOUSE_TEST_POSTGRES_DSN")
		}
		t.Skip("set GATEHOUSE_TEST_POSTGRES_DSN to run the PostgreSQL tests")
	}
	return dsn
}

// freshPostgres creates an empty schema in the test database and returns
// a URL whose connections use it (search_path), so each server starts on
// a blank store. The schema is dropped when the test ends, after the
// servers using it stopped. An unreachable database fails the test.
func freshPostgres(t testing.TB) string {
	t.Helper()
	dsn := postgresDSN(t)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatalf("GATEHOUSE_TEST_POSTGRES_DSN is set but unreachable: %v", err)
	}
	defer conn.Close(context.Background())
	var b [6]byte
	_, _ = rand.Read(b[:])
	schema := "gh_e2e_" + hex.EncodeToString(b[:])
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("create schema: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
			return
		}
		defer c.Close(context.Background())
		if _, err := c.Exec(ctx, "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	return withSearchPath(t, dsn, schema)
}

// withSearchPath adds search_path to a PostgreSQL URL; pgx sends unknown
// URL parameters as run-time settings.
func withSearchPath(t testing.TB, dsn, schema string) string {
	t.Helper()
	u, err := url.Parse(dsn)
	if err != nil {
		t.Fatalf("GATEHOUSE_TEST_POSTGRES_DSN: %v", err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

// redisURL returns the test Redis (GATEHOUSE_TEST_REDIS_URL), skipping
// the test when none is configured; CI sets it.
func redisURL(t testing.TB) string {
	t.Helper()
	u := os.Getenv("GATEHOUSE_TEST_REDIS_URL")
	if u == "" {
		t.Skip("set GATEHOUSE_TEST_REDIS_URL to run the Redis tests")
	}
	return u
}

// postgresRowsContaining counts the rows of table (in the schema of the
// URL db) whose text form contains s, whatever column holds it.
func postgresRowsContaining(t testing.TB, db, table, s string) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	var n int
	q := "SELECT count(*) FROM " + pgx.Identifier{table}.Sanitize() + " r WHERE strpos(r::text, $1) > 0"
	if err := conn.QueryRow(ctx, q, s).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
